import LambdaConfig
import Testing

/// The file as written at /work/app/swift-lambda.toml; paths in it are relative to /work/app.
let sample = """
    # settings for every function
    [build]
    release = true
    output-format = "zip"
    include = ["config/app.json"]
    runtime = "provided.al2023"

    [functions.echo]
    output-format = "binary"
    include = ["assets", "config/app.json"]

    [functions."my-ext"]
    extension = true
    flatten = true

    [workspace]
    members = ["functions/*", "tools/cli"]
    """

@Suite struct ConfigFileTests {
    @Test func readsEveryTableWithTheLineOfEachKey() throws {
        let file = try ConfigFile(text: sample, path: "/work/app/swift-lambda.toml")
        #expect(file.build[.release] == .bool(true))
        #expect(file.build[.outputFormat] == .string("zip"))
        #expect(file.build[.include] == .list(["app.json:/work/app/config/app.json"]))
        #expect(file.build.origins[.outputFormat] == Origin(.file(path: "/work/app/swift-lambda.toml", table: "build", line: 4), baseDirectory: "/work/app"))
        #expect(file.functions["echo"]?[.outputFormat] == .string("binary"))
        #expect(file.functions["echo"]?.origins[.include]?.description == "/work/app/swift-lambda.toml:10 [functions.echo]")
        #expect(file.functions["my-ext"]?[.extension] == .bool(true))
        #expect(file.functions["my-ext"]?[.flatten] == .bool(true))
        #expect(file.functionLines == ["echo": 8, "my-ext": 12])
        #expect(file.workspaceMembers == ["functions/*", "tools/cli"])
    }

    @Test func unknownKeysAreErrorsNamingFileKeyAndLine() {
        #expect(throws: ConfigError.unknownKey(path: "/p/swift-lambda.toml", key: "build.relase", line: 3, known: Setting.build.map(\.rawValue).sorted())) {
            try ConfigFile(text: "[build]\nrelease = true\nrelase = true\n", path: "/p/swift-lambda.toml")
        }
        #expect(throws: ConfigError.unknownKey(path: "/p/c.toml", key: "functions.echo.runtime", line: 2, known: Setting.functionTable.map(\.rawValue).sorted())) {
            try ConfigFile(text: "[functions.echo]\nruntime = \"provided.al2\"\n", path: "/p/c.toml")
        }
        #expect(throws: ConfigError.unknownKey(path: "/p/c.toml", key: "publish", line: 1, known: ["build", "deploy", "functions", "workspace"])) {
            try ConfigFile(text: "[publish]\nregion = \"eu-west-1\"\n", path: "/p/c.toml")
        }
        #expect(throws: ConfigError.unknownKey(path: "/p/c.toml", key: "workspace.exclude", line: 3, known: ["members"])) {
            try ConfigFile(text: "[workspace]\nmembers = []\nexclude = [\"x\"]\n", path: "/p/c.toml")
        }
        let message = "\(ConfigError.unknownKey(path: "/p/c.toml", key: "build.strip", line: 3, known: ["release"]))"
        #expect(message == "/p/c.toml:3: unknown key 'build.strip'; known keys there: release")
    }

    @Test func wrongTypesAreErrorsNamingTheExpectedType() {
        #expect(throws: ConfigError.wrongType(path: "/p/c.toml", key: "build.release", line: 2, expected: "a boolean (true or false)")) {
            try ConfigFile(text: "[build]\nrelease = \"yes\"\n", path: "/p/c.toml")
        }
        #expect(throws: ConfigError.wrongType(path: "/p/c.toml", key: "build.include", line: 2, expected: "an array of strings")) {
            try ConfigFile(text: "[build]\ninclude = [\"a\", 1]\n", path: "/p/c.toml")
        }
        #expect(throws: ConfigError.wrongType(path: "/p/c.toml", key: "functions.echo.flatten", line: 2, expected: "a boolean (true or false)")) {
            try ConfigFile(text: "[functions.echo]\nflatten = \"echo\"\n", path: "/p/c.toml")
        }
        #expect(throws: ConfigError.wrongType(path: "/p/c.toml", key: "build", line: 1, expected: "a table")) {
            try ConfigFile(text: "build = 3\n", path: "/p/c.toml")
        }
        #expect(throws: ConfigError.wrongType(path: "/p/c.toml", key: "workspace.members", line: 2, expected: "an array of strings")) {
            try ConfigFile(text: "[workspace]\nmembers = \"functions/*\"\n", path: "/p/c.toml")
        }
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        #expect {
            try ConfigFile(text: "[build]\nrelease = true\n[functions.echo\n", path: "/p/c.toml")
        } throws: { error in
            guard case ConfigError.syntax("/p/c.toml", 3, _, _) = error else { return false }
            return "\(error)".hasPrefix("/p/c.toml:3:") && "\(error)".hasSuffix("fix the TOML syntax there")
        }
    }

    @Test func dottedKeysAtTheTopLevelAreFoundToo() throws {
        #expect(throws: ConfigError.unknownKey(path: "/p/c.toml", key: "build.strip", line: 2, known: Setting.build.map(\.rawValue).sorted())) {
            try ConfigFile(text: "build.release = true\nbuild.strip = true\n", path: "/p/c.toml")
        }
    }
}

@Suite struct PrecedenceTests {
    let file = try! ConfigFile(text: sample, path: "/work/app/swift-lambda.toml")

    func flags(_ values: [(Setting, SettingValue)]) -> Layer {
        var layer = Layer()
        for (setting, value) in values { layer.set(setting, value, from: Origin(.flag("--\(setting.rawValue)"), baseDirectory: "/work/app/sub")) }
        return layer
    }

    @Test func eachLayerOverridesTheOneBelowForAPerFunctionSetting() throws {
        let environment = try Configuration.environmentLayer(["SWIFT_LAMBDA_OUTPUT_FORMAT": "binary", "SWIFT_LAMBDA_RUNTIME": "provided.al2"], currentDirectory: "/w")
        // Environment only.
        let bare = Configuration(environment: environment, file: nil, flags: Layer())
        #expect(bare.value(of: .outputFormat, for: "greeter")?.value == .string("binary"))
        #expect(bare.value(of: .outputFormat, for: "greeter")?.origins.map(\.description) == ["SWIFT_LAMBDA_OUTPUT_FORMAT"])
        // [build] over the environment.
        let withFile = Configuration(environment: environment, file: file, flags: Layer())
        #expect(withFile.value(of: .outputFormat, for: "greeter")?.value == .string("zip"))
        #expect(withFile.value(of: .runtime)?.value == .string("provided.al2023"))
        // [functions.echo] over [build].
        #expect(withFile.value(of: .outputFormat, for: "echo")?.value == .string("binary"))
        #expect(withFile.value(of: .outputFormat, for: "echo")?.origins.map(\.description) == ["/work/app/swift-lambda.toml:9 [functions.echo]"])
        // Flags over everything.
        let withFlags = Configuration(environment: environment, file: file, flags: flags([(.outputFormat, .string("zip"))]))
        #expect(withFlags.value(of: .outputFormat, for: "echo")?.value == .string("zip"))
        #expect(withFlags.value(of: .outputFormat, for: "echo")?.origins.map(\.description) == ["--output-format"])
    }

    @Test func aFlagNotGivenNeverOverrides() throws {
        let configuration = Configuration(environment: Layer(), file: file, flags: flags([(.compiler, .string("docker"))]))
        #expect(configuration.value(of: .release)?.value == .bool(true))
        #expect(configuration.value(of: .compiler)?.value == .string("docker"))
        #expect(configuration.value(of: .image) == nil)
    }

    @Test func includesMergeAcrossLayersWithoutDuplicatesEachAnchoredWhereWritten() throws {
        let environment = try Configuration.environmentLayer(["SWIFT_LAMBDA_INCLUDE": "/etc/hosts, extra:notes"], currentDirectory: "/home/me")
        let configuration = Configuration(
            environment: environment, file: file, flags: flags([(.include, .list(["../config/app.json", "x"]))]))
        let echo = try #require(configuration.value(of: .include, for: "echo"))
        // The file's are anchored at its directory; flags and variables stay relative to the current one.
        #expect(echo.value == .list([
            "/etc/hosts", "extra:notes", "app.json:/work/app/config/app.json", "assets:/work/app/assets", "../config/app.json", "x",
        ]))
        #expect(echo.origins.map(\.description) == [
            "SWIFT_LAMBDA_INCLUDE", "/work/app/swift-lambda.toml:5 [build]", "/work/app/swift-lambda.toml:10 [functions.echo]", "--include",
        ])
        // Another function does not get echo's.
        #expect(configuration.value(of: .include, for: "greeter")?.value.list?.contains("assets:/work/app/assets") == false)
    }

    @Test func environmentValuesAreParsedAndCheckedByName() throws {
        let layer = try Configuration.environmentLayer(
            ["SWIFT_LAMBDA_RELEASE": "yes", "SWIFT_LAMBDA_SKIP_CHECKS": "0", "SWIFT_LAMBDA_LAMBDA_DIR": "out", "SWIFT_LAMBDA_RECORD_GOLDEN": "1", "SWIFT_LAMBDA_IMAGE": ""],
            currentDirectory: "/w")
        #expect(layer[.release] == .bool(true))
        #expect(layer[.skipChecks] == .bool(false))
        #expect(layer[.lambdaDir] == .string("out"))
        #expect(layer[.image] == nil)
        #expect(layer.values.count == 3)
        #expect(throws: ConfigError.badValue(setting: "bundle-libs", origin: "SWIFT_LAMBDA_BUNDLE_LIBS", value: "maybe", expected: "true or false (1/0, yes/no, on/off)")) {
            try Configuration.environmentLayer(["SWIFT_LAMBDA_BUNDLE_LIBS": "maybe"], currentDirectory: "/w")
        }
    }

    @Test func oneFunctionMayBeFlattenedAndTheFlagWins() throws {
        let configuration = Configuration(environment: Layer(), file: file, flags: Layer())
        #expect(try configuration.flattenedProduct()?.value == .string("my-ext"))
        let flagged = Configuration(environment: Layer(), file: file, flags: flags([(.flatten, .string("echo"))]))
        #expect(try flagged.flattenedProduct()?.value == .string("echo"))
        let two = try ConfigFile(text: "[functions.a]\nflatten = true\n[functions.b]\nflatten = true\n", path: "/p/c.toml")
        #expect(throws: ConfigError.twoFlattened(first: "a", second: "b")) {
            try Configuration(environment: Layer(), file: two, flags: Layer()).flattenedProduct()
        }
    }
}
