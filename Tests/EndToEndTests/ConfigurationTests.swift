import Foundation
import Testing

/// swift-lambda.toml, SWIFT_LAMBDA_* variables, workspaces and JSON messages, end to end.
@Suite struct ConfigurationEndToEndTests {
    /// The environment of the test process plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    }

    @Test func aTwoMemberWorkspaceBuildsIntoOneLambdaDirectory() throws {
        let root = try Harness.fixture("workspace")
        let result = try Harness.run(["build"], in: root)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("[1/2] Building Alpha (debug"))
        #expect(result.standardError.contains("[2/2] Building Beta (debug"))
        let lambda = "\(root)/target/lambda"
        #expect(Harness.contents(of: lambda) == ["alpha", "beta"])
        // [functions.beta] zips it and ships the include, resolved from the file's directory.
        #expect(Harness.contents(of: "\(lambda)/alpha") == ["bootstrap"])
        #expect(Harness.contents(of: "\(lambda)/beta") == ["bootstrap", "bootstrap.zip", "motd.txt"])
        #expect(try Harness.runProcess("\(lambda)/beta/bootstrap", [], in: root).standardOutput == "beta says hi\n")
        #expect(try Harness.runProcess("\(lambda)/alpha/bootstrap", [], in: root).standardOutput == "alpha says hi\n")

        // --product selects across members; only its member is built and only it is written.
        try FileManager.default.removeItem(atPath: lambda)
        let one = try Harness.run(["build", "--product", "beta"], in: root)
        #expect(one.status == 0, "\(one.standardError)")
        #expect(!one.standardError.contains("Building Alpha"))
        #expect(Harness.contents(of: lambda) == ["beta"])
        let unknown = try Harness.run(["build", "--product", "gamma"], in: root)
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("error: no executable product named 'gamma'; this package has: alpha, beta"))
    }

    @Test func sameProductInTwoMembersIsAnErrorNamingBoth() throws {
        let root = try Harness.fixture("workspace")
        let copy = "\(root)/functions/alpha-copy"
        try FileManager.default.copyItem(atPath: "\(root)/functions/alpha", toPath: copy)
        let result = try Harness.run(["build"], in: root)
        #expect(result.status == 1)
        #expect(result.standardError.contains("error: two packages have an executable product named 'alpha' (\(root)/functions/alpha and \(copy)); Lambda artifacts are named after products, so rename one"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target"))
    }

    @Test func workspaceFlagFindsPackagesButNotUnderTargetOrHiddenFolders() throws {
        let root = try Harness.fixture("workspace")
        try FileManager.default.removeItem(atPath: "\(root)/swift-lambda.toml")
        for skipped in ["target/old", ".hidden/pkg", "functions/alpha/.build/checkouts/dep"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(skipped)", withIntermediateDirectories: true)
            try "// swift-tools-version: 6.0\nimport PackageDescription\nlet package = Package(name: \"X\", targets: [.executableTarget(name: \"X\")])\n"
                .write(toFile: "\(root)/\(skipped)/Package.swift", atomically: true, encoding: .utf8)
        }
        let plan = try Harness.run(["build", "--workspace", "--dry-run"], in: root)
        #expect(plan.status == 0, "\(plan.standardError)")
        let packages = plan.standardOutput.split(separator: "\n").filter { $0.hasPrefix("Plan for package ") }
        #expect(packages.map { $0.split(separator: " ")[3] } == ["Alpha", "Beta"])
        let none = try Harness.run(["build", "--workspace"], in: try Harness.temporaryDirectory(prefix: "empty"))
        #expect(none.status == 1)
        #expect(none.standardError.contains("--workspace found no Package.swift below"))
    }

    @Test func precedenceEnvironmentFileFunctionAndFlag() throws {
        let root = try Harness.fixture("tiny")
        try """
            [build]
            output-format = "zip"

            [functions.Bye]
            output-format = "binary"
            """.write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let lambda = "\(root)/target/lambda"
        // The file's [build] beats the environment; [functions.Bye] beats [build].
        let first = try Harness.run(["build"], in: root, environment: Self.environment(["SWIFT_LAMBDA_OUTPUT_FORMAT": "binary"]))
        #expect(first.status == 0, "\(first.standardError)")
        #expect(Harness.contents(of: "\(lambda)/Hello") == ["bootstrap", "bootstrap.zip"])
        #expect(Harness.contents(of: "\(lambda)/Bye") == ["bootstrap"])
        // A flag beats them all, for every function.
        let flagged = try Harness.run(["build", "--output-format", "zip"], in: root)
        #expect(flagged.status == 0, "\(flagged.standardError)")
        #expect(Harness.contents(of: "\(lambda)/Bye") == ["bootstrap", "bootstrap.zip"])
        // The environment applies where nothing else sets the value.
        let fromEnvironment = try Harness.run(
            ["build", "--product", "Hello", "--lambda-dir", "out"], in: root,
            environment: Self.environment(["SWIFT_LAMBDA_INCLUDE": "Package.swift"]))
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.standardError)")
        #expect(Harness.contents(of: "\(root)/out/Hello") == ["Package.swift", "bootstrap", "bootstrap.zip"])

        let printed = try Harness.run(["build", "--print-config", "--no-release"], in: root, environment: Self.environment(["SWIFT_LAMBDA_RUNTIME": "provided.al2"]))
        #expect(printed.status == 0, "\(printed.standardError)")
        let lines = printed.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("release = false  # from --no-release"))
        #expect(lines.contains("runtime = \"provided.al2\"  # from SWIFT_LAMBDA_RUNTIME"))
        #expect(lines.contains("# skip-checks = false  (default)"))
        let bye = try #require(lines.firstIndex(of: "[functions.Bye]"))
        #expect(lines[(bye + 1)...].contains("output-format = \"binary\"  # from swift-lambda.toml:5 [functions.Bye]"))
        let hello = try #require(lines.firstIndex(of: "[functions.Hello]"))
        #expect(lines[hello...].contains("output-format = \"zip\"  # from swift-lambda.toml:2 [build]"))
    }

    @Test func badConfigurationsAreOneLineErrorsWithFileKeyAndLine() throws {
        let root = try Harness.fixture("tiny")
        let cases: [(String, String)] = [
            ("[build]\nrelese = true\n", "swift-lambda.toml:2: unknown key 'build.relese'; did you mean 'release'?"),
            ("[build]\nrelease = \"yes\"\n", "swift-lambda.toml:2: 'build.release' must be a boolean (true or false)"),
            ("[build]\noutput-format = \"tar\"\n", "swift-lambda.toml:2 [build]: output-format = 'tar' is not valid; use binary or zip"),
            ("[functions.Hi]\nextension = true\n", "swift-lambda.toml:1: [functions.Hi] names no executable product being built; products: Bye, Hello"),
            ("[build\n", "swift-lambda.toml:1:"),
        ]
        for (text, message) in cases {
            try text.write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
            let result = try Harness.run(["build"], in: root)
            #expect(result.status == 1, "\(text)")
            let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("error: ") }
            #expect(errors.count == 1 && errors[0].contains(message), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: "\(root)/target"))
        }
        try FileManager.default.removeItem(atPath: "\(root)/swift-lambda.toml")
        let badVariable = try Harness.run(["build"], in: root, environment: Self.environment(["SWIFT_LAMBDA_RELEASE": "sometimes"]))
        #expect(badVariable.standardError.contains("error: SWIFT_LAMBDA_RELEASE: release = 'sometimes' is not valid; use true or false"))
        let missing = try Harness.run(["build", "--config", "nowhere.toml"], in: root)
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("error: cannot read the configuration file \(root)/nowhere.toml; check the path given to --config"))
    }

    @Test func jsonMessagesDescribeEveryArtifactAndTheRun() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--output-format", "zip", "--message-format", "json"], in: root)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("Building Tiny"))
        let objects = try result.standardOutput.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["reason"] as? String } == ["artifact", "artifact", "build-finished"])
        let hello = try #require(objects.first { $0["name"] as? String == "Hello" })
        #expect(hello["kind"] as? String == "function")
        #expect(hello["architecture"] as? String == "x86_64")
        #expect(hello["target"] as? String == "x86_64-unknown-linux-gnu")
        let path = try #require(hello["path"] as? String)
        #expect(path == "\(root)/target/lambda/Hello/bootstrap")
        #expect((hello["size"] as? Int).map(Int64.init) == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64))
        let zip = try #require(hello["zip_path"] as? String)
        let zipData = try Data(contentsOf: URL(fileURLWithPath: zip))
        #expect(hello["zip_size"] as? Int == zipData.count)
        let sha = try Harness.runProcess("/usr/bin/sha256sum", [zip], in: root).standardOutput.prefix(64)
        #expect(hello["sha256"] as? String == String(sha))
        #expect((hello["sha256_base64"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 32)
        let checks = try #require(hello["checks"] as? [String: Any])
        #expect(checks["passed"] as? Bool == true)
        #expect((checks["libraries"] as? [[String: Any]])?.contains { $0["soname"] as? String == "libc.so.6" && $0["bundled"] as? Bool == false } == true)
        let summary = try #require(objects.last)
        #expect(summary["success"] as? Bool == true)
        #expect(summary["artifacts"] as? Int == 2)
        #expect(summary["configuration"] as? String == "debug")
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let root = try Harness.fixture("tiny")
        try "[build]\nrelese = true\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let red = "\u{1B}[1;31merror:\u{1B}[0m"
        // Into a file (not a terminal): plain.
        let piped = try Harness.run(["build"], in: root)
        #expect(piped.standardError.hasPrefix("error: ") && !piped.standardError.contains("\u{1B}"))
        // Under a pseudo-terminal (script(1)): coloured, unless NO_COLOR is set.
        let command = "\(Harness.executable) build"
        var plain = Self.environment(["TERM": "xterm"])
        plain.removeValue(forKey: "NO_COLOR")  // `swift test` may set it for its own children
        let terminal = try Harness.runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], in: root, environment: plain)
        #expect(terminal.standardOutput.contains(red), "\(terminal.standardOutput)")
        let noColor = try Harness.runProcess(
            "/usr/bin/script", ["-qec", command, "/dev/null"], in: root, environment: Self.environment(["TERM": "xterm", "NO_COLOR": "1"]))
        #expect(noColor.standardOutput.contains("error: ") && !noColor.standardOutput.contains("\u{1B}["), "\(noColor.standardOutput)")
    }

    @Test func anUnchangedArtifactIsNotRewrittenAndAChangedInputRewritesIt() throws {
        let root = try Harness.fixture("tiny")
        try "v1".write(toFile: "\(root)/notes.txt", atomically: true, encoding: .utf8)
        let arguments = ["build", "--product", "Hello", "--output-format", "zip", "--include", "notes.txt", "-v"]
        let first = try Harness.run(arguments, in: root)
        #expect(first.status == 0, "\(first.standardError)")
        let zip = "\(root)/target/lambda/Hello/bootstrap.zip"
        func stamp() throws -> Date? { try FileManager.default.attributesOfItem(atPath: zip)[.modificationDate] as? Date }
        let before = try stamp()
        let bytes = FileManager.default.contents(atPath: zip)

        let second = try Harness.run(arguments, in: root)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardError.contains("Up to date, not rewritten: Hello"))
        // No SwiftPM manifest load but the build's own: describe and the bin path came from the cache.
        #expect(!second.standardError.contains("describe --type json"))
        #expect(!second.standardError.contains("--show-bin-path"))
        #expect(try stamp() == before)
        #expect(second.standardOutput.contains("sha256 "), "the summary still reports the zip")

        // An input changes: the artifact is written again, with the new include.
        try "v2, longer".write(toFile: "\(root)/notes.txt", atomically: true, encoding: .utf8)
        let third = try Harness.run(arguments, in: root)
        #expect(third.status == 0, "\(third.standardError)")
        #expect(!third.standardError.contains("Up to date"))
        #expect(FileManager.default.contents(atPath: zip) != bytes)
        #expect(try String(contentsOfFile: "\(root)/target/lambda/Hello/notes.txt", encoding: .utf8) == "v2, longer")

        // A deleted output is noticed too.
        try FileManager.default.removeItem(atPath: zip)
        let fourth = try Harness.run(arguments, in: root)
        #expect(fourth.status == 0 && FileManager.default.fileExists(atPath: zip), "\(fourth.standardError)")
        // A new source file changes what SwiftPM would describe: asked again.
        try "let extra = 1\n".write(toFile: "\(root)/Sources/Hello/extra.swift", atomically: true, encoding: .utf8)
        let fifth = try Harness.run(arguments, in: root)
        #expect(fifth.status == 0 && fifth.standardError.contains("describe --type json"), "\(fifth.standardError)")
    }
}
