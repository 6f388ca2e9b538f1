import Foundation
import Testing

/// Issue 14: workspace members' own files, SWIFT_LAMBDA_* checks, contradictory
/// and ineffective flags, help, did-you-mean and JSON everywhere. Only the last
/// test compiles Swift code; the rest stop at --print-config, --dry-run or parsing.
@Suite struct ConfigCLITests {
    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    static func json(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    /// The workspace fixture with a file of its own in each member.
    static func workspaceWithMemberFiles() throws -> String {
        let root = try Harness.fixture("workspace")
        try "[functions.alpha]\nextension = true\n".write(toFile: "\(root)/functions/alpha/swift-lambda.toml", atomically: true, encoding: .utf8)
        try "[build]\nrelease = true\ninclude = [\"notes.txt\"]\n"
            .write(toFile: "\(root)/functions/beta/swift-lambda.toml", atomically: true, encoding: .utf8)
        try "beta's notes".write(toFile: "\(root)/functions/beta/notes.txt", atomically: true, encoding: .utf8)
        return root
    }

    @Test func eachMembersOwnFileLayersOverTheWorkspaceFile() throws {
        let root = try Self.workspaceWithMemberFiles()
        let printed = try Harness.run(["build", "--print-config"], in: root)
        #expect(printed.status == 0, "\(printed.standardError)")
        let lines = Self.lines(printed.standardOutput)
        #expect(lines.contains("# Member configuration file: functions/alpha/swift-lambda.toml"))
        let alpha = try #require(lines.firstIndex(of: "[functions.alpha]"))
        let beta = try #require(lines.firstIndex(of: "[functions.beta]"))
        #expect(lines[alpha..<beta].contains("extension = true  # from functions/alpha/swift-lambda.toml:2 [functions.alpha]"))
        #expect(lines[beta...].contains("release = true  # from functions/beta/swift-lambda.toml:2 [build]"))
        #expect(lines[beta...].contains(
            "include = [\"motd.txt:\(root)/shared/motd.txt\", \"notes.txt:\(root)/functions/beta/notes.txt\"]  # from swift-lambda.toml:10 [functions.beta], functions/beta/swift-lambda.toml:3 [build]"))
        #expect(lines[beta...].contains("output-format = \"zip\"  # from swift-lambda.toml:9 [functions.beta]"))

        // The plan builds alpha as an extension in debug, beta in release with both includes; a flag still wins.
        let plan = try Harness.run(["build", "--dry-run"], in: root)
        #expect(plan.status == 0, "\(plan.standardError)")
        #expect(plan.standardOutput.contains("Plan for package Alpha (debug)"))
        #expect(plan.standardOutput.contains("Plan for package Beta (release)"))
        #expect(plan.standardOutput.contains("alpha (extension; targets: Alpha)"))
        #expect(plan.standardOutput.contains("target/lambda/beta/notes.txt  <- \(root)/functions/beta/notes.txt"))
        let debug = try Harness.run(["build", "--dry-run", "--no-release"], in: root)
        #expect(debug.standardOutput.contains("Plan for package Beta (debug)"), "\(debug.standardError)")

        // A member's table must name one of its own products; a run-wide setting there is said to be ignored.
        try "[build]\nruntime = \"provided.al2\"\n[functions.alpha]\nextension = true\n"
            .write(toFile: "\(root)/functions/beta/swift-lambda.toml", atomically: true, encoding: .utf8)
        let wrong = try Harness.run(["build", "--print-config"], in: root)
        #expect(wrong.status == 1)
        #expect(wrong.standardError.contains("functions/beta/swift-lambda.toml:3: [functions.alpha] names no executable product being built; products: beta"))
        #expect(wrong.standardError.contains(
            "warning: \(root)/functions/beta/swift-lambda.toml:2 [build]: runtime applies to the whole workspace and is ignored in a member's file"))
    }

    @Test func unknownVariablesAreWarnedAndBadValuesRejectedEvenWhenOverridden() throws {
        let root = try Harness.fixture("tiny")
        let typo = try Harness.run(["build", "--print-config"], in: root, environment: Self.environment(["SWIFT_LAMBDA_RELESE": "1"]))
        #expect(typo.status == 0, "\(typo.standardError)")
        #expect(typo.standardError.contains("warning: SWIFT_LAMBDA_RELESE is not a swift-lambda variable and is ignored; did you mean SWIFT_LAMBDA_RELEASE?"))
        #expect(Self.lines(typo.standardOutput).contains("# release = false  (default)"))

        try "[build]\noutput-format = \"zip\"\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let hidden = try Harness.run(["build", "--print-config"], in: root, environment: Self.environment(["SWIFT_LAMBDA_OUTPUT_FORMAT": "tar"]))
        #expect(hidden.status == 1)
        #expect(hidden.standardError.contains("error: SWIFT_LAMBDA_OUTPUT_FORMAT: output-format = 'tar' is not valid; use binary or zip"))
    }

    @Test func everyLayersCompilerAndTargetAreCheckedWhateverTheFlagsSay() throws {
        let root = try Harness.fixture("tiny")
        let compiler = try Harness.run(
            ["build", "--print-config", "--compiler", "swiftpm"], in: root, environment: Self.environment(["SWIFT_LAMBDA_COMPILER": "zig"]))
        #expect(compiler.status == 1)
        #expect(compiler.standardError.contains("error: SWIFT_LAMBDA_COMPILER: compiler = 'zig' is not valid; use swiftpm or swift-sdk or docker"))
        try "[build]\ncompiler = \"cross\"\ntarget = \"riscv64-unknown-linux-gnu\"\n".write(
            toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let file = try Harness.run(["build", "--dry-run", "--compiler", "swiftpm", "--x86-64"], in: root)
        #expect(file.status == 1)
        #expect(file.standardError.contains("swift-lambda.toml:2 [build]: compiler = 'cross' is not valid; use swiftpm or swift-sdk or docker"), "\(file.standardError)")
        try "[build]\ntarget = \"riscv64-unknown-linux-gnu\"\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let target = try Harness.run(["build", "--dry-run", "--target", "x86_64-unknown-linux-gnu"], in: root)
        #expect(target.status == 1)
        #expect(target.standardError.contains(
            "swift-lambda.toml:2 [build]: target = 'riscv64-unknown-linux-gnu' is not valid; use one of x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu, x86_64-swift-linux-musl, aarch64-swift-linux-musl (arm64 is accepted for aarch64)"),
            "\(target.standardError)")
        try "[build]\ntarget = \"arm64-unknown-linux-gnu\"\ncompiler = \"swiftpm\"\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let good = try Harness.run(["build", "--print-config"], in: root)
        #expect(good.status == 0, "\(good.standardError)")
    }

    @Test func aFlagWithItsOwnNegationIsRefusedAndAFlagWithoutEffectIsWarnedAbout() throws {
        let root = try Harness.fixture("tiny")
        for (flag, negation) in [("--release", "--no-release"), ("--skip-checks", "--no-skip-checks")] {
            let both = try Harness.run(["build", "--print-config", flag, negation], in: root)
            #expect(both.status == 64, "\(both.standardError)")
            #expect(both.standardError.contains("'\(negation)'") && both.standardError.contains("'\(flag)'"), "\(both.standardError)")
        }
        let image = try Harness.run(["build", "--dry-run", "--compiler", "swiftpm", "--image", "swift:6.3"], in: root)
        #expect(image.status == 0, "\(image.standardError)")
        #expect(image.standardError.contains("warning: --image has no effect: the compiler is swiftpm, not docker; add --compiler docker or drop --image"))
        let docker = try Harness.run(["build", "--dry-run", "--compiler", "docker", "--image", "swift:6.3"], in: root)
        #expect(!docker.standardError.contains("--image has no effect"))
    }

    @Test func helpIsInSectionsWithDefaultsAndTyposGetTheNearestName() throws {
        let root = try Harness.temporaryDirectory(prefix: "help")
        let help = try Harness.run(["build", "--help"], in: root)
        #expect(help.status == 0)
        let text = help.standardOutput
        for section in ["OUTPUT AND LAYOUT:", "TARGET AND COMPILER:", "CHECKS AND COMPATIBILITY:", "CONFIGURATION:", "OUTPUT FOR MACHINES:"] {
            #expect(text.contains(section), "\(section)")
        }
        #expect(text.contains("swift-lambda build [<output and layout options>] [<target and compiler options>]"))
        // Every option and flag states its default.
        let options = Self.lines(text).drop { !$0.hasPrefix("OUTPUT AND LAYOUT:") }.joined(separator: "\n")
            .components(separatedBy: "\n  -").dropFirst()
        #expect(options.count > 20)
        for option in options where !option.hasPrefix("h, --help") && !option.hasPrefix("-version") {
            #expect(option.contains("default"), "\(option)")
        }

        let typo = try Harness.run(["biuld"], in: root)
        #expect(typo.status == 64)
        #expect(typo.standardError == "error: unknown subcommand 'biuld'; did you mean 'build'?\n")
        let far = try Harness.run(["frobnicate"], in: root)
        #expect(far.status == 64)
        #expect(far.standardError.contains("error: unknown subcommand 'frobnicate'; use one of: build, watch, list, deploy, delete, invoke, serve, new, init, help"))
    }

    @Test func printConfigAndDryRunSpeakJSONAndAFailureEndsWithBuildFinished() throws {
        let root = try Harness.fixture("tiny")
        try "[build]\noutput-format = \"zip\"\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let printed = try Harness.run(["build", "--print-config", "--message-format", "json", "--no-release"], in: root)
        #expect(printed.status == 0, "\(printed.standardError)")
        let config = try #require(try Self.json(printed.standardOutput).first)
        #expect(config["reason"] as? String == "configuration")
        #expect(config["files"] as? [String] == ["swift-lambda.toml"])
        let tables = try #require(config["tables"] as? [[String: Any]])
        #expect(tables.map { $0["table"] as? String } == ["build", "functions.Bye", "functions.Hello"])
        let build = try #require(tables[0]["settings"] as? [String: [String: Any]])
        #expect(build["release"]?["value"] as? Bool == false)
        #expect(build["release"]?["origins"] as? [String] == ["--no-release"])
        #expect(build["runtime"]?["default"] as? String == "\"provided.al2023\"")
        let hello = try #require(tables[2]["settings"] as? [String: [String: Any]])
        #expect(hello["output-format"]?["value"] as? String == "zip")
        #expect(hello["output-format"]?["origins"] as? [String] == ["swift-lambda.toml:2 [build]"])

        let plan = try Harness.run(["build", "--dry-run", "--message-format", "json", "--product", "Hello"], in: root)
        #expect(plan.status == 0, "\(plan.standardError)")
        let records = try Self.json(plan.standardOutput)
        #expect(records.count == 1)
        #expect(records[0]["reason"] as? String == "plan")
        #expect(records[0]["package"] as? String == "Tiny")
        #expect(records[0]["configuration"] as? String == "debug")
        #expect((records[0]["commands"] as? [[String]])?.first?.contains("build") == true)
        let artifact = try #require((records[0]["artifacts"] as? [[String: Any]])?.first)
        #expect(artifact["name"] as? String == "Hello")
        #expect(artifact["executable"] as? String == "\(root)/target/lambda/Hello/bootstrap")
        #expect(artifact["zip_path"] as? String == "\(root)/target/lambda/Hello/bootstrap.zip")

        try "[build]\nrelese = true\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let failed = try Harness.run(["build", "--message-format", "json"], in: root)
        #expect(failed.status == 1)
        let finished = try Self.json(failed.standardOutput)
        #expect(finished.count == 1)
        #expect(finished[0]["reason"] as? String == "build-finished")
        #expect(finished[0]["success"] as? Bool == false)
        #expect((finished[0]["error"] as? String)?.hasSuffix("swift-lambda.toml:2: unknown key 'build.relese'; did you mean 'release'?") == true)
        #expect(failed.standardError.contains("error: "))
    }

    @Test func aFailedCheckPrintsItsFindingsInTheArtifactsRecord() throws {
        let root = try Harness.fixture("tiny")
        // A host build needs a newer glibc than provided.al2's, which glibc-compat cannot reach.
        let result = try Harness.run(["build", "--product", "Hello", "--runtime", "provided.al2", "--message-format", "json"], in: root)
        #expect(result.status == 1, "\(result.standardError)")
        let records = try Self.json(result.standardOutput)
        #expect(records.map { $0["reason"] as? String } == ["artifact", "build-finished"])
        #expect(records[0]["name"] as? String == "Hello")
        #expect(records[0]["written"] as? Bool == false)
        let checks = try #require(records[0]["checks"] as? [String: Any])
        #expect(checks["passed"] as? Bool == false)
        let findings = try #require(checks["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["severity"] as? String == "error" && ($0["message"] as? String)?.contains("runtime has up to GLIBC_2.26") == true })
        #expect(records[1]["success"] as? Bool == false)
        #expect(records[1]["failed_checks"] as? [String] == ["Hello"])
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda/Hello/bootstrap"))
    }
}
