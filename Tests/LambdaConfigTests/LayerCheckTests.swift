import Foundation
import LambdaConfig
import Testing

/// `SWIFT_LAMBDA_*` typos, values checked in every layer, and workspace members' own files.
@Suite struct EnvironmentCheckTests {
    @Test func everyUnknownVariableIsAWarningWithTheNearestName() throws {
        let warnings = Configuration.unknownVariables([
            "SWIFT_LAMBDA_RELESE": "1", "SWIFT_LAMBDA_RELEASE": "1", "SWIFT_LAMBDA_RECORD_GOLDEN": "1",
            "SWIFT_LAMBDA_LAMBDA_DIR": "out", "SWIFT_LAMBDA_WHATEVER_ELSE": "x", "PATH": "/bin",
        ])
        #expect(warnings == [
            .unknownVariable("SWIFT_LAMBDA_RELESE", suggestion: "SWIFT_LAMBDA_RELEASE"),
            .unknownVariable("SWIFT_LAMBDA_WHATEVER_ELSE", suggestion: nil),
        ])
        #expect("\(warnings[0])" == "SWIFT_LAMBDA_RELESE is not a swift-lambda variable and is ignored; did you mean SWIFT_LAMBDA_RELEASE?")
        let loaded = try Configuration.load(root: "/nonexistent", environment: ["SWIFT_LAMBDA_RELESE": "1"], currentDirectory: "/w")
        #expect(loaded.warnings == [.unknownVariable("SWIFT_LAMBDA_RELESE", suggestion: "SWIFT_LAMBDA_RELEASE")])
        #expect(loaded.value(of: .release) == nil)
    }

    @Test func aBadValueIsRejectedEvenWhereAHigherLayerHidesIt() throws {
        let file = try ConfigFile(text: "[build]\noutput-format = \"zip\"\n", path: "/p/swift-lambda.toml")
        let environment = try Configuration.environmentLayer(["SWIFT_LAMBDA_OUTPUT_FORMAT": "tar"], currentDirectory: "/p")
        let configuration = Configuration(environment: environment, file: file, flags: Layer())
        #expect(configuration.value(of: .outputFormat)?.value == .string("zip"))
        let formats = { (setting: Setting, value: SettingValue) -> String? in
            setting == .outputFormat && !["binary", "zip"].contains(value.string ?? "") ? "binary or zip" : nil
        }
        #expect(throws: ConfigError.badValue(setting: "output-format", origin: "SWIFT_LAMBDA_OUTPUT_FORMAT", value: "tar", expected: "binary or zip")) {
            try configuration.checkValues(formats)
        }
        // A function's table is checked too, whichever products are built.
        let table = try ConfigFile(text: "[functions.echo]\noutput-format = \"tgz\"\n", path: "/p/swift-lambda.toml")
        #expect(throws: ConfigError.badValue(setting: "output-format", origin: "/p/swift-lambda.toml:2 [functions.echo]", value: "tgz", expected: "binary or zip")) {
            try Configuration(environment: Layer(), file: table, flags: Layer()).checkValues(formats)
        }
    }
}

@Suite struct WorkspaceMemberTests {
    /// A workspace at a temporary directory with members alpha and beta, each file as given.
    func workspace(root file: String, members: [String: String]) throws -> (root: String, configuration: Configuration) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("members-\(UUID().uuidString.prefix(8))").path
        for (name, text) in members {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
            try text.write(toFile: "\(root)/\(name)/swift-lambda.toml", atomically: true, encoding: .utf8)
        }
        try file.write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        var configuration = try Configuration.load(root: root, environment: [:], currentDirectory: root)
        try configuration.addMemberFiles(["\(root)/alpha", "\(root)/beta", "\(root)/gamma"])
        return (root, configuration)
    }

    @Test func aMembersFileLayersBetweenTheWorkspaceFileAndTheFlags() throws {
        let (root, configuration) = try workspace(
            root: "[workspace]\nmembers = [\"*\"]\n[build]\noutput-format = \"binary\"\ninclude = [\"shared.txt\"]\n[functions.beta]\noutput-format = \"zip\"\n",
            members: [
                "alpha": "[functions.alpha]\nextension = true\n",
                "beta": "[build]\nrelease = true\ninclude = [\"notes.txt\"]\n[functions.beta]\noutput-format = \"binary\"\n",
            ])
        let alpha = configuration.scoped(toMember: "\(root)/alpha")
        #expect(alpha.value(of: .extension, for: "alpha")?.value == .bool(true))
        #expect(alpha.value(of: .extension, for: "alpha")?.origins.map(\.description) == ["\(root)/alpha/swift-lambda.toml:2 [functions.alpha]"])
        #expect(alpha.hasFunctionTable("alpha"))
        #expect(alpha.value(of: .release) == nil)
        let beta = configuration.scoped(toMember: "\(root)/beta")
        #expect(beta.value(of: .release)?.origins.map(\.description) == ["\(root)/beta/swift-lambda.toml:2 [build]"])
        // The member's file over the workspace's, includes merged and each anchored at its own file.
        #expect(beta.value(of: .outputFormat, for: "beta")?.value == .string("binary"))
        #expect(beta.value(of: .include, for: "beta")?.value == .list(["shared.txt:\(root)/shared.txt", "notes.txt:\(root)/beta/notes.txt"]))
        // Another member's file does not reach it; the run as a whole sees no member.
        #expect(configuration.value(of: .release) == nil)
        #expect(configuration.scoped(toMember: "\(root)/gamma").value(of: .release) == nil)
        // Flags over all of them.
        var flags = Layer()
        flags.set(.release, .bool(false), from: Origin(.flag("--no-release"), baseDirectory: root))
        var flagged = configuration
        flagged.flags = flags
        #expect(flagged.scoped(toMember: "\(root)/beta").value(of: .release)?.value == .bool(false))
        #expect(configuration.warnings.isEmpty)
    }

    @Test func runWideSettingsInAMembersFileAreWarnedAboutAndAMembersFunctionMayBeFlattened() throws {
        let (root, configuration) = try workspace(
            root: "[workspace]\nmembers = [\"*\"]\n",
            members: ["alpha": "[build]\nruntime = \"provided.al2\"\n[functions.alpha]\nflatten = true\n"])
        #expect(configuration.warnings == [.runWideInMember(setting: "runtime", origin: "\(root)/alpha/swift-lambda.toml:2 [build]")])
        #expect(configuration.scoped(toMember: "\(root)/alpha").value(of: .runtime) == nil)
        #expect(try configuration.flattenedProduct()?.value == .string("alpha"))
    }
}
