import Foundation
import LambdaConfig
import Testing

/// dotenv files (`env-file`, `--env-file`) and `--env`/`--tag` pairs.
@Suite struct EnvironmentFileTests {
    @Test func readsDotenvLines() throws {
        let text = "# comment\n\nA=1\nexport B = two \nC=\"quoted value\"\nD='x=y'\nE=\r\n"
        #expect(try EnvironmentFile.parse(text, path: "f") == ["A": "1", "B": "two", "C": "quoted value", "D": "x=y", "E": ""])
    }

    @Test func aLineWithoutEqualsIsLocated() {
        #expect(throws: ConfigError.badEnvironmentLine(path: "vars.env", line: 2, text: "NOPE")) {
            try EnvironmentFile.parse("A=1\nNOPE\n", path: "vars.env")
        }
    }

    @Test func flagPairsLaterWins() throws {
        #expect(try EnvironmentFile.pairs(["A=1", "B=2", "A=3"], flag: "--env") == ["A": "3", "B": "2"])
        #expect(throws: ConfigError.badPair(flag: "--tag", value: "=x")) { try EnvironmentFile.pairs(["=x"], flag: "--tag") }
    }

    @Test func errorsAreOneLineWithWhatToDo() {
        #expect("\(ConfigError.badEnvironmentLine(path: "vars.env", line: 2, text: "NOPE"))"
            == "vars.env:2: 'NOPE' is not KEY=VALUE; write one variable per line (# starts a comment)")
        #expect("\(ConfigError.badPair(flag: "--env", value: "X"))" == "--env 'X' is not KEY=VALUE; write it as --env NAME=value")
    }
}

/// One function's variables, as deploy sets them and watch adds them: `env-file`, then `env` over it.
@Suite struct FunctionEnvironmentTests {
    /// A configuration read from `toml` at DIR/swift-lambda.toml, with `files` written in DIR.
    static func configuration(_ toml: String, files: [String: String] = [:], flags: Layer = Layer()) throws -> (Configuration, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("function-env-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8) }
        let file = try ConfigFile(text: toml, path: "\(directory)/swift-lambda.toml")
        return (Configuration(environment: Layer(), file: file, flags: flags), directory)
    }

    @Test func neitherEnvFileNorEnvIsNil() throws {
        let (configuration, directory) = try Self.configuration(
            "[deploy]\nmemory = 256\n[functions.other]\nenv = { A = \"1\" }\nenv-file = \"vars.env\"\n", files: ["vars.env": "B=2\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try configuration.environment(for: "echo") == nil)
        #expect(try configuration.environment(for: "other") == ["A": "1", "B": "2"])
    }

    @Test func theFileAlone() throws {
        let (configuration, directory) = try Self.configuration(
            "[functions.echo]\nenv-file = \"vars.env\"\n", files: ["vars.env": "# comment\nA=1\nexport B = \"two\"\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try configuration.environment(for: "echo") == ["A": "1", "B": "two"])
    }

    /// A key in both takes the table's value; `--env` is over every table.
    @Test func theTablesOverTheFile() throws {
        var flags = Layer()
        flags.set(.env, .table(["C": "flag"]), from: Origin(.flag("--env"), baseDirectory: "/"))
        let (configuration, directory) = try Self.configuration(
            """
            [deploy]
            env-file = "vars.env"
            env = { A = "deploy" }

            [functions.echo]
            env = { B = "function" }
            """,
            files: ["vars.env": "A=file\nB=file\nC=file\nD=file\n"], flags: flags)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try configuration.environment(for: "echo") == ["A": "deploy", "B": "function", "C": "flag", "D": "file"])
    }

    /// The error says where `env-file` was set, so the user knows which file held the line.
    @Test func aBadKeyInTheFileIsRefusedWithWhereTheFileWasNamed() throws {
        let (configuration, directory) = try Self.configuration(
            "[functions.echo]\nenv-file = \"vars.env\"\n", files: ["vars.env": "GOOD=1\n1BAD=2\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: ConfigError.badValue(
            setting: "env", origin: "\(directory)/swift-lambda.toml:2 [functions.echo]", value: "1BAD",
            expected: "names of a letter then letters, digits and _ ([A-Za-z][A-Za-z0-9_]*)")
        ) { try configuration.environment(for: "echo") }
    }

    @Test func anUnreadableFileIsNamed() throws {
        let (configuration, directory) = try Self.configuration("[deploy]\nenv-file = \"missing.env\"\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect { try configuration.environment(for: "echo") } throws: { error in
            guard case .unreadableEnvironmentFile(let path, _) = error as? ConfigError else { return false }
            return path == "\(directory)/missing.env" && "\(error)".hasPrefix("cannot read the --env-file \(directory)/missing.env: ")
        }
    }
}
