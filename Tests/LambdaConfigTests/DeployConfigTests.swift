import Foundation
import LambdaConfig
import Testing

/// The deploy settings as written at /work/app/swift-lambda.toml.
let deploySample = """
    [build]
    runtime = "provided.al2"

    [deploy]
    region = "eu-west-1"
    memory = 256
    timeout = 30
    env = { LOG_LEVEL = "info", STAGE = "prod" }
    env-file = "config/.env"
    layers = ["otel"]
    publish = true

    [functions.echo]
    memory = 1024
    env = { STAGE = "dev", TRACE = "1" }
    layers = ["arn:aws:lambda:eu-west-1:123456789012:layer:tools:3", "otel"]
    tags = { team = "core" }
    description = "Echoes its event"
    function-url = true
    include = ["assets"]
    """

@Suite struct DeployFileTests {
    @Test func readsDeployAndFunctionTablesWithTypesAndLines() throws {
        let file = try ConfigFile(text: deploySample, path: "/work/app/swift-lambda.toml")
        #expect(file.deploy[.region] == .string("eu-west-1"))
        #expect(file.deploy[.memory] == .integer(256))
        #expect(file.deploy[.env] == .table(["LOG_LEVEL": "info", "STAGE": "prod"]))
        #expect(file.deploy[.publish] == .bool(true))
        #expect(file.deploy[.layers] == .list(["otel"]))
        // A path is anchored at the file's directory, like the build's.
        #expect(file.deploy[.envFile] == .string("/work/app/config/.env"))
        #expect(file.deploy.origins[.timeout]?.description == "/work/app/swift-lambda.toml:7 [deploy]")
        #expect(file.functions["echo"]?[.memory] == .integer(1024))
        #expect(file.functions["echo"]?[.tags] == .table(["team": "core"]))
        #expect(file.functions["echo"]?.origins[.functionDescription]?.description == "/work/app/swift-lambda.toml:18 [functions.echo]")
        // Build's keys in the same function table stay the build's.
        #expect(file.functions["echo"]?[.include] == .list(["assets:/work/app/assets"]))
        #expect(file.build.values.keys.sorted() == [.runtime])
    }

    @Test func aTableMayBeWrittenAsItsOwnSection() throws {
        let file = try ConfigFile(text: "[deploy]\nmemory = 512\n\n[deploy.env]\nA = \"1\"\n", path: "/p/swift-lambda.toml")
        #expect(file.deploy[.env] == .table(["A": "1"]))
        #expect(file.deploy.origins[.env]?.description == "/p/swift-lambda.toml:4 [deploy]")
    }

    @Test func wrongTypesNameTheExpectedType() {
        let table = "a table of strings ({ KEY = \"value\" })"
        let cases: [(text: String, key: String, line: Int, expected: String)] = [
            ("[deploy]\nmemory = \"512\"\n", "deploy.memory", 2, "an integer"),
            ("[functions.echo]\ntimeout = 2.5\n", "functions.echo.timeout", 2, "an integer"),
            ("[deploy]\nenv = { PORT = 8080 }\n", "deploy.env", 2, table),
            ("[deploy]\ntags = [\"a\"]\n", "deploy.tags", 2, table),
            ("deploy = true\n", "deploy", 1, "a table"),
        ]
        for (text, key, line, expected) in cases {
            #expect(throws: ConfigError.wrongType(path: "/p/c.toml", key: key, line: line, expected: expected)) {
                try ConfigFile(text: text, path: "/p/c.toml")
            }
        }
    }

    @Test func unknownAndMisplacedKeysAreErrorsWithTheirLine() throws {
        func message(_ text: String) -> String {
            do {
                _ = try ConfigFile(text: text, path: "/p/c.toml")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("[deploy]\nregion = \"eu-west-1\"\nmemroy = 512\n") == "/p/c.toml:3: unknown key 'deploy.memroy'; did you mean 'memory'?")
        #expect(message("[deploy]\nlayer = [\"otel\"]\n") == "/p/c.toml:2: unknown key 'deploy.layer'; did you mean 'layers'?")
        #expect(message("[functions.echo]\ntimeuot = 3\n") == "/p/c.toml:2: unknown key 'functions.echo.timeuot'; did you mean 'timeout'?")
        #expect(message("[deploi]\n") == "/p/c.toml:1: unknown key 'deploi'; did you mean 'deploy'?")
        // A deploy key in [build], a build key in [deploy], a run-wide deploy key in a function's table.
        #expect(message("[build]\nrelease = true\nmemory = 512\n")
            == "/p/c.toml:3: unknown key 'build.memory'; memory is a deploy setting; set it in [deploy] or [functions.<product>]")
        #expect(message("[build]\nregion = \"eu-west-1\"\n") == "/p/c.toml:2: unknown key 'build.region'; region is a deploy setting; set it in [deploy]")
        #expect(message("[deploy]\nrelease = true\n") == "/p/c.toml:2: unknown key 'deploy.release'; release is a build setting; set it in [build]")
        #expect(message("[deploy]\ninclude = [\"a\"]\n")
            == "/p/c.toml:2: unknown key 'deploy.include'; include is a build setting; set it in [build] or [functions.<product>]")
        #expect(message("[deploy]\nruntime = \"provided.al2\"\n")
            == "/p/c.toml:2: unknown key 'deploy.runtime'; runtime is a build setting; set it in [build] (deploy uses the runtime the build checked against)")
        #expect(message("[functions.echo]\ns3-bucket = \"b\"\n")
            == "/p/c.toml:2: unknown key 'functions.echo.s3-bucket'; s3-bucket applies to the whole deploy; set it in [deploy]")
        // The error value carries the table's known keys.
        #expect(throws: ConfigError.unknownKey(path: "/p/c.toml", key: "deploy.strip", line: 2, known: Setting.deploy.map(\.rawValue).sorted())) {
            try ConfigFile(text: "[deploy]\nstrip = true\n", path: "/p/c.toml")
        }
    }

    @Test func valuesPrintAsTOMLWritesThem() {
        #expect(SettingValue.integer(512).description == "512")
        #expect(SettingValue.table(["STAGE": "prod", "A_B": "say \"hi\"", "team.name": "x"]).description
            == #"{ A_B = "say \"hi\"", STAGE = "prod", "team.name" = "x" }"#)
        #expect(SettingValue.table([:]).description == "{}")
    }
}

@Suite struct DeployLayeringTests {
    let file = try! ConfigFile(text: deploySample, path: "/work/app/swift-lambda.toml")

    func flags(_ values: [(Setting, SettingValue)]) -> Layer {
        var layer = Layer()
        for (setting, value) in values { layer.set(setting, value, from: Origin(.flag(setting.flag), baseDirectory: "/work/app")) }
        return layer
    }

    @Test func eachLayerOverridesTheOneBelowForAFunction() throws {
        let environment = try Configuration.environmentLayer(
            ["SWIFT_LAMBDA_MEMORY": "192", "SWIFT_LAMBDA_TIMEOUT": " 10 ", "SWIFT_LAMBDA_ALIAS": "live"], currentDirectory: "/w")
        #expect(environment[.memory] == .integer(192))
        let bare = Configuration(environment: environment, file: nil, flags: Layer())
        #expect(bare.value(of: .memory, for: "echo")?.origins.map(\.description) == ["SWIFT_LAMBDA_MEMORY"])
        let configuration = Configuration(environment: environment, file: file, flags: Layer())
        // [deploy] over the environment, [functions.echo] over [deploy].
        #expect(configuration.value(of: .memory, for: "greeter")?.value == .integer(256))
        #expect(configuration.value(of: .memory, for: "echo")?.value == .integer(1024))
        #expect(configuration.value(of: .memory, for: "echo")?.origins.map(\.description) == ["/work/app/swift-lambda.toml:14 [functions.echo]"])
        #expect(configuration.value(of: .timeout, for: "echo")?.value == .integer(30))
        #expect(configuration.value(of: .alias, for: "echo")?.value == .string("live"))
        #expect(configuration.value(of: .functionURL, for: "greeter") == nil)
        // Flags over everything; run-wide settings from [deploy] and the flags.
        let flagged = Configuration(
            environment: environment, file: file, flags: flags([(.memory, .integer(2048)), (.region, .string("us-east-1"))]))
        #expect(flagged.value(of: .memory, for: "echo")?.value == .integer(2048))
        #expect(flagged.value(of: .memory, for: "echo")?.origins.map(\.description) == ["--memory"])
        #expect(configuration.value(of: .region)?.value == .string("eu-west-1"))
        #expect(flagged.value(of: .region, for: "echo")?.origins.map(\.description) == ["--region"])
        // Deploy reads the build's runtime.
        #expect(configuration.value(of: .runtime)?.value == .string("provided.al2"))
    }

    @Test func tablesMergeKeyByKeyAndListsWithoutDuplicates() throws {
        let configuration = Configuration(
            environment: Layer(), file: file,
            flags: flags([(.env, .table(["TRACE": "0"])), (.layers, .list(["otel", "extra"])), (.tags, .table(["cost": "x"]))]))
        let env = try #require(configuration.value(of: .env, for: "echo"))
        #expect(env.value == .table(["LOG_LEVEL": "info", "STAGE": "dev", "TRACE": "0"]))
        #expect(env.origins.map(\.description) == [
            "/work/app/swift-lambda.toml:8 [deploy]", "/work/app/swift-lambda.toml:15 [functions.echo]", "--env",
        ])
        // A layer every key of which a higher one replaced did not contribute.
        let replaced = Configuration(environment: Layer(), file: file, flags: flags([(.env, .table(["LOG_LEVEL": "debug", "STAGE": "qa"]))]))
        #expect(replaced.value(of: .env, for: "greeter")?.origins.map(\.description) == ["--env"])
        let layers = try #require(configuration.value(of: .layers, for: "echo"))
        #expect(layers.value == .list(["otel", "arn:aws:lambda:eu-west-1:123456789012:layer:tools:3", "extra"]))
        #expect(layers.origins.map(\.description) == [
            "/work/app/swift-lambda.toml:10 [deploy]", "/work/app/swift-lambda.toml:16 [functions.echo]", "--layer",
        ])
        #expect(configuration.value(of: .tags, for: "echo")?.value == .table(["team": "core", "cost": "x"]))
        // An explicitly empty table is a value (no variables), not an absent one.
        let empty = try ConfigFile(text: "[deploy]\nenv = {}\n", path: "/p/swift-lambda.toml")
        #expect(Configuration(environment: Layer(), file: empty, flags: Layer()).value(of: .env, for: "echo")?.value == .table([:]))
        #expect(Configuration(environment: Layer(), file: nil, flags: Layer()).value(of: .env, for: "echo") == nil)
    }

    @Test func variablesForDeploySettingsExceptTablesAndTheConnection() throws {
        let warnings = Configuration.unknownVariables([
            "SWIFT_LAMBDA_MEMORY": "512", "SWIFT_LAMBDA_S3_BUCKET": "b", "SWIFT_LAMBDA_IAM_ROLE": "r",
            "SWIFT_LAMBDA_FUNCTION_URL_AUTH": "iam", "SWIFT_LAMBDA_REGION": "eu-west-1", "SWIFT_LAMBDA_ENV": "A=1",
        ])
        #expect(warnings.map(\.description).map { String($0.prefix(while: { $0 != " " })) } == ["SWIFT_LAMBDA_ENV", "SWIFT_LAMBDA_REGION"])
        let layer = try Configuration.environmentLayer(
            ["SWIFT_LAMBDA_REGION": "eu-west-1", "SWIFT_LAMBDA_ENV": "A=1", "SWIFT_LAMBDA_LAYERS": "a, b", "SWIFT_LAMBDA_PUBLISH": "yes"],
            currentDirectory: "/w")
        #expect(layer.values == [.layers: .list(["a", "b"]), .publish: .bool(true)])
        #expect(throws: ConfigError.badValue(setting: "memory", origin: "SWIFT_LAMBDA_MEMORY", value: "1GB", expected: "an integer")) {
            try Configuration.environmentLayer(["SWIFT_LAMBDA_MEMORY": "1GB"], currentDirectory: "/w")
        }
        #expect(Setting.layers.flag == "--layer")
        #expect(Setting.tags.flag == "--tag")
        #expect(Setting.functionDescription.flag == "--description")
    }

    @Test func buildIsNotAffectedByDeployKeys() throws {
        let configuration = Configuration(environment: Layer(), file: file, flags: Layer())
        #expect(configuration.warnings.isEmpty)
        // echo's table changes its includes, so it overrides; a table of deploy keys alone does not.
        #expect(configuration.hasFunctionTable("echo"))
        let deployOnly = try ConfigFile(text: "[functions.greeter]\nmemory = 512\n", path: "/p/swift-lambda.toml")
        #expect(!Configuration(environment: Layer(), file: deployOnly, flags: Layer()).hasFunctionTable("greeter"))
        // Build's values are what they were without the deploy keys (origins aside: the lines moved).
        let buildOnly = try ConfigFile(text: "[build]\nruntime = \"provided.al2\"\n[functions.echo]\ninclude = [\"assets\"]\n", path: "/work/app/swift-lambda.toml")
        let plain = Configuration(environment: Layer(), file: buildOnly, flags: Layer())
        for setting in Setting.build {
            #expect(configuration.value(of: setting)?.value == plain.value(of: setting)?.value)
            #expect(configuration.value(of: setting, for: "echo")?.value == plain.value(of: setting, for: "echo")?.value)
        }
    }
}

@Suite struct DeployMemberTests {
    @Test func aMembersDeployTablesLayerOverTheWorkspacesAndItsRunWideKeysAreWarnedAbout() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-members-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: "\(root)/alpha", withIntermediateDirectories: true)
        try "[workspace]\nmembers = [\"*\"]\n[deploy]\nmemory = 256\nenv = { A = \"root\", B = \"root\" }\n[functions.alpha]\ntimeout = 5\n"
            .write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        try "[deploy]\nregion = \"us-east-1\"\nmemory = 512\nenv = { B = \"member\" }\n[functions.alpha]\ntimeout = 60\nenv = { C = \"fn\" }\n"
            .write(toFile: "\(root)/alpha/swift-lambda.toml", atomically: true, encoding: .utf8)
        var configuration = try Configuration.load(root: root, environment: [:], currentDirectory: root)
        try configuration.addMemberFiles(["\(root)/alpha"])
        let alpha = configuration.scoped(toMember: "\(root)/alpha")
        #expect(alpha.value(of: .memory, for: "alpha")?.value == .integer(512))
        #expect(alpha.value(of: .timeout, for: "alpha")?.value == .integer(60))
        #expect(alpha.value(of: .timeout, for: "alpha")?.origins.map(\.description) == ["\(root)/alpha/swift-lambda.toml:6 [functions.alpha]"])
        #expect(alpha.value(of: .env, for: "alpha")?.value == .table(["A": "root", "B": "member", "C": "fn"]))
        #expect(alpha.value(of: .env, for: "alpha")?.origins.map(\.description) == [
            "\(root)/swift-lambda.toml:5 [deploy]", "\(root)/alpha/swift-lambda.toml:4 [deploy]", "\(root)/alpha/swift-lambda.toml:7 [functions.alpha]",
        ])
        // The region is the run's: the member's is ignored, with a warning deploy prints and build does not.
        #expect(alpha.value(of: .region) == nil)
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.deployWarnings == [.runWideInMember(setting: "region", origin: "\(root)/alpha/swift-lambda.toml:2 [deploy]")])
    }
}
