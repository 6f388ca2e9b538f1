import Foundation
import LambdaBuild
import LambdaConfig
import Testing

/// Deploy's `--print-config`, through the public API the deploy workflow calls.
@Suite struct DeployConfigRendererTests {
    let configuration: Configuration = {
        let file = try! ConfigFile(
            text: """
                [build]
                runtime = "provided.al2"
                [deploy]
                region = "eu-west-1"
                memory = 256
                env = { STAGE = "prod" }
                [functions.echo]
                memory = 1024
                function-url = true
                env = { TRACE = "1" }
                """,
            path: "/work/app/swift-lambda.toml")
        var flags = Layer()
        flags.set(.timeout, .integer(10), from: Origin(.flag("--timeout"), baseDirectory: "/work/app"))
        flags.set(.layers, .list(["otel"]), from: Origin(.flag(Setting.layers.flag), baseDirectory: "/work/app"))
        return Configuration(environment: Layer(), file: file, flags: flags)
    }()

    @Test func humanFormShowsTheRunsSectionThenEachFunctionWithOriginsAndDefaults() {
        let lines = ConfigRenderer(currentDirectory: "/work/app").renderDeploy(configuration, products: ["greeter", "echo"])
        #expect(lines == [
            "# Resolved deploy settings; layers, lowest first: SWIFT_LAMBDA_* variables, swift-lambda.toml [deploy] ([build] for runtime), [functions.<product>], a workspace member's own swift-lambda.toml, flags.",
            "# Configuration file: swift-lambda.toml",
            "[deploy]",
            "region = \"eu-west-1\"  # from swift-lambda.toml:4 [deploy]",
            "# profile = AWS_PROFILE, else \"default\"  (default)",
            "# endpoint-url = AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else AWS's  (default)",
            "# s3-bucket = swift-lambda-<account>-<region> for zips over 50 MB, created when missing  (default)",
            "runtime = \"provided.al2\"  # from swift-lambda.toml:2 [build]",
            "",
            "[functions.echo]",
            "# iam-role = the swift-lambda-execution role, created when missing  (default)",
            "memory = 1024  # from swift-lambda.toml:8 [functions.echo]",
            "timeout = 10  # from --timeout",
            "env = { STAGE = \"prod\", TRACE = \"1\" }  # from swift-lambda.toml:6 [deploy], swift-lambda.toml:10 [functions.echo]",
            "# env-file = not set  (default)",
            "# tags = {}  (default)",
            "layers = [\"otel\"]  # from --layer",
            "# description = not set  (default)",
            "# publish = false  (default)",
            "# alias = not set  (default)",
            "function-url = true  # from swift-lambda.toml:9 [functions.echo]",
            "# function-url-auth = \"none\" (with function-url)  (default)",
            "",
            "[functions.greeter]",
            "# iam-role = the swift-lambda-execution role, created when missing  (default)",
            "memory = 256  # from swift-lambda.toml:5 [deploy]",
            "timeout = 10  # from --timeout",
            "env = { STAGE = \"prod\" }  # from swift-lambda.toml:6 [deploy]",
            "# env-file = not set  (default)",
            "# tags = {}  (default)",
            "layers = [\"otel\"]  # from --layer",
            "# description = not set  (default)",
            "# publish = false  (default)",
            "# alias = not set  (default)",
            "# function-url = false  (default)",
            "# function-url-auth = \"none\" (with function-url)  (default)",
        ])
    }

    @Test func withNothingSetEveryDefaultIsShown() {
        let lines = ConfigRenderer(currentDirectory: "/w").renderDeploy(
            Configuration(environment: Layer(), file: nil, flags: Layer()), products: ["echo"])
        #expect(lines.contains("# region = AWS_REGION, AWS_DEFAULT_REGION or the profile's  (default)"))
        #expect(lines.contains("# runtime = \"provided.al2023\"  (default)"))
        #expect(lines.contains("# memory = 128  (default)"))
        #expect(lines.contains("# timeout = 3  (default)"))
        #expect(!lines.contains { $0.hasPrefix("# Configuration file") })
    }

    @Test func jsonFormHasTheSameTablesWithTypedValues() throws {
        let text = ConfigRenderer(currentDirectory: "/work/app").deployJSON(configuration, products: ["echo"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["reason"] as? String == "configuration")
        #expect(object["files"] as? [String] == ["swift-lambda.toml"])
        let tables = try #require(object["tables"] as? [[String: Any]])
        #expect(tables.map { $0["table"] as? String } == ["deploy", "functions.echo"])
        let echo = try #require(tables[1]["settings"] as? [String: [String: Any]])
        #expect(echo["memory"]?["value"] as? Int == 1024)
        #expect(echo["env"]?["value"] as? [String: String] == ["STAGE": "prod", "TRACE": "1"])
        #expect(echo["env"]?["origins"] as? [String] == ["swift-lambda.toml:6 [deploy]", "swift-lambda.toml:10 [functions.echo]"])
        #expect(echo["layers"]?["value"] as? [String] == ["otel"])
        #expect(echo["iam-role"]?["default"] as? String == "the swift-lambda-execution role, created when missing")
        #expect(echo["iam-role"]?["value"] == nil)
        #expect(Set(echo.keys) == Set(Setting.deployPerFunction.map(\.rawValue)))
        let deploy = try #require(tables[0]["settings"] as? [String: [String: Any]])
        #expect(deploy["runtime"]?["value"] as? String == "provided.al2")
        #expect(deploy["region"]?["origins"] as? [String] == ["swift-lambda.toml:4 [deploy]"])
    }

    @Test func deploysCheckCoversItsSettingsAndTheRuntimeOnly() throws {
        let bad = try ConfigFile(text: "[build]\nruntime = \"provided.al1\"\n", path: "/p/swift-lambda.toml")
        #expect(throws: ConfigError.badValue(setting: "runtime", origin: "/p/swift-lambda.toml:2 [build]", value: "provided.al1", expected: "provided.al2023 or provided.al2")) {
            try Configuration(environment: Layer(), file: bad, flags: Layer()).checkDeployValues()
        }
        let memory = try ConfigFile(text: "[deploy]\nmemory = 20000\n", path: "/p/swift-lambda.toml")
        #expect(throws: ConfigError.self) { try Configuration(environment: Layer(), file: memory, flags: Layer()).checkDeployValues() }
        // A build setting deploy does not read is the build's to judge.
        let compiler = try ConfigFile(text: "[build]\ncompiler = \"zig\"\n", path: "/p/swift-lambda.toml")
        #expect(throws: Never.self) { try Configuration(environment: Layer(), file: compiler, flags: Layer()).checkDeployValues() }
    }
}
