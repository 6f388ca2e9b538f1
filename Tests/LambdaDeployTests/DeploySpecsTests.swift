import Archiver
import Foundation
import LambdaConfig
import LambdaSupport
import Testing

@testable import LambdaDeploy

/// Settings become a function's wanted state through the configuration's layers.
@Suite struct DeploySpecsTests {
    static func configuration(_ toml: String, flags: Layer = Layer(), environment: [String: String] = [:]) throws -> (Configuration, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-specs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try toml.write(toFile: "\(directory)/swift-lambda.toml", atomically: true, encoding: .utf8)
        return (try Configuration.load(root: directory, environment: environment, currentDirectory: directory, flags: flags), directory)
    }

    static let zip = DeployZip(
        name: "echo", kind: .function, zip: ZipSummary(path: "/nonexistent", size: 10, sha256: Array(repeating: 7, count: 32)),
        isTemporary: false, unzippedBytes: 10, architecture: .arm64)

    @Test func flagsOverTheFunctionsTableOverDeploy() throws {
        var flags = Layer()
        flags.set(.timeout, .integer(30), from: Origin(.flag("--timeout"), baseDirectory: "/"))
        flags.set(.env, .table(["B": "flag"]), from: Origin(.flag("--env"), baseDirectory: "/"))
        let (configuration, _) = try Self.configuration(
            """
            [deploy]
            memory = 256
            timeout = 10
            env = { A = "deploy", B = "deploy" }
            tags = { team = "a" }
            function-url = true

            [functions.echo]
            memory = 1024
            layers = ["telemetry"]
            alias = "live"
            """, flags: flags)
        let spec = try DeploySpecs.spec(for: Self.zip, configuration: configuration, runtime: "provided.al2")
        #expect(spec.memory == 1024)
        #expect(spec.timeout == 30)
        #expect(spec.environment == ["A": "deploy", "B": "flag"])
        #expect(spec.tags == ["team": "a"])
        #expect(spec.layers == ["telemetry"])
        #expect(spec.alias == "live")
        #expect(spec.functionURLAuth == "none")
        #expect(spec.runtime == "provided.al2")
        #expect(spec.architecture == "arm64")
        #expect(spec.codeSha256 == Self.zip.codeSha256)
        #expect(spec.role == nil && spec.description == nil && !spec.publish)
    }

    /// `--image` is the flags layer's `output-format`; the file's says how a function was built.
    @Test func aFunctionIsAnImageByItsOutputFormat() throws {
        let (table, _) = try Self.configuration("[functions.echo]\noutput-format = \"image\"\n")
        #expect(DeploySpecs.isImage("echo", configuration: table))
        #expect(!DeploySpecs.isImage("greeter", configuration: table))
        let (everyOne, _) = try Self.configuration("[build]\noutput-format = \"image\"\n")
        #expect(DeploySpecs.isImage("greeter", configuration: everyOne))
        var flags = Layer()
        flags.set(.outputFormat, .string("image"), from: Origin(.flag("--image"), baseDirectory: "/"))
        let (flagged, _) = try Self.configuration("[functions.echo]\noutput-format = \"zip\"\n", flags: flags)
        #expect(DeploySpecs.isImage("echo", configuration: flagged), "the flag is over the table")
        let (zip, _) = try Self.configuration("[build]\noutput-format = \"zip\"\n")
        #expect(!DeploySpecs.isImage("echo", configuration: zip))
    }

    @Test func nothingSetLeavesTheEnvironmentAlone() throws {
        let (configuration, _) = try Self.configuration("[deploy]\nmemory = 256\n")
        #expect(try DeploySpecs.spec(for: Self.zip, configuration: configuration, runtime: "provided.al2023").environment == nil)
    }

    /// The file's variables come first; `env` overrides them.
    @Test func theEnvironmentFileIsOverriddenByEnvTables() throws {
        let (configuration, directory) = try Self.configuration(
            """
            [functions.echo]
            env-file = "vars.env"
            env = { A = "table" }
            """)
        try "A=file\nB=file\n".write(toFile: "\(directory)/vars.env", atomically: true, encoding: .utf8)
        #expect(try DeploySpecs.spec(for: Self.zip, configuration: configuration, runtime: "provided.al2023").environment == ["A": "table", "B": "file"])
    }

    @Test func aReservedVariableInTheFileIsRefusedWithItsOrigin() throws {
        let (configuration, directory) = try Self.configuration("[deploy]\nenv-file = \"vars.env\"\n")
        try "AWS_REGION=eu-west-1\n".write(toFile: "\(directory)/vars.env", atomically: true, encoding: .utf8)
        #expect {
            try DeploySpecs.spec(for: Self.zip, configuration: configuration, runtime: "provided.al2023")
        } throws: { error in
            "\(error)".contains("AWS_REGION") && "\(error)".contains("swift-lambda.toml")
        }
    }
}
