import Archiver
import BuildPlanner
import Foundation
@testable import LambdaBuild
import LambdaTestSupport
import Testing

/// Issue 14, item 10 (SwiftPM's and cargo-lambda's conventions: -c, -X flags, --jobs, -q,
/// --color, -v on invoke and serve) and the configuration warnings of invoke and serve.
/// Only the -Xswiftc test compiles Swift code; the rest stop at parsing, --dry-run or a
/// missing artifact.
@Suite struct CLIConventionsTests {
    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    }

    @Test func configurationIsSwiftPMsSpellingOfReleaseAndRefusesAContradiction() throws {
        let root = try Harness.fixture("tiny")
        for (arguments, configuration) in [(["-c", "release"], "release"), (["--configuration", "debug", "--no-release"], "debug")] {
            let plan = try Harness.run(["build", "--dry-run", "--product", "Hello"] + arguments, in: root)
            #expect(plan.status == 0, "\(plan.standardError)")
            #expect(plan.standardOutput.contains("Plan for package Tiny (\(configuration))"), "\(arguments)")
        }
        let printed = try Harness.run(["build", "--print-config", "-c", "release"], in: root)
        #expect(printed.standardOutput.contains("release = true  # from --configuration release"), "\(printed.standardOutput)")
        for arguments in [["-c", "release", "--no-release"], ["--configuration", "debug", "--release"]] {
            let both = try Harness.run(["build", "--dry-run"] + arguments, in: root)
            #expect(both.status == 64, "\(arguments)")
            #expect(both.standardError.contains("contradict each other; pass one of them"), "\(both.standardError)")
        }
        let bad = try Harness.run(["build", "--dry-run", "-c", "profile"], in: root)
        #expect(bad.status == 64)
    }

    @Test func passThroughFlagsReachEveryBackendsSwiftBuildAndDashJOnlyTheBuild() throws {
        let root = try Harness.fixture("tiny")
        let flags = ["-Xswiftc", "-Onone", "-Xswiftc", "-DFOO", "-Xcc", "-DBAR", "-Xlinker", "-s", "-Xcxx", "-std=c++17", "-j", "2"]
        let expected = "-Xswiftc -Onone -Xswiftc -DFOO -Xcc -DBAR -Xlinker -s -Xcxx -std=c++17"
        let host = try Harness.run(["build", "--dry-run", "--product", "Hello", "--no-glibc-compat"] + flags, in: root)
        #expect(host.status == 0, "\(host.standardError)")
        let build = try #require(host.standardOutput.split(separator: "\n").first { $0.contains(" build --package-path ") })
        #expect(build.hasSuffix(
            "--static-swift-stdlib \(try Harness.checkoutMapping(root, name: "Tiny")) \(expected) --scratch-path /proc/self/cwd/.build --product Hello --jobs 2)"),
            "\(build)")

        // docker: arguments of the swift build inside the container (a fake docker answers the query).
        let fakeDocker = "\(Harness.repositoryRoot)/Tests/EndToEndTests/Fixtures/fake-docker"
        let environment = Self.environment([
            "PATH": "\(fakeDocker):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")", "FAKE_DOCKER_LOG": "\(root)/docker.log",
        ])
        let docker = try Harness.run(
            ["build", "--dry-run", "--product", "Hello", "--compiler", "docker", "--image", "swift:6.3"] + flags, in: root,
            environment: environment)
        #expect(docker.status == 0, "\(docker.standardError)")
        let inside = try #require(docker.standardOutput.split(separator: "\n").first { $0.contains(" swift build ") })
        #expect(inside.contains("--static-swift-stdlib \(try Harness.checkoutMapping("/workspace", name: "Tiny", inContainer: true)) \(expected) --scratch-path "), "\(inside)")
        #expect(inside.hasSuffix("--product Hello --jobs 2"), "\(inside)")
    }

    @Test func colorOverridesNoColorOnBuildInvokeAndServe() throws {
        let root = try Harness.fixture("tiny")
        let red = "\u{1B}[1;31merror:\u{1B}[0m"
        let environment = Self.environment(["NO_COLOR": "1"])
        for arguments in [["build", "--product", "Nope", "--dry-run"], ["invoke", "missing"], ["serve", "missing"]] {
            let always = try Harness.run(arguments + ["--color", "always"], in: root, environment: environment)
            #expect(always.status == 1, "\(arguments)")
            #expect(always.standardError.hasPrefix(red), "\(arguments): \(always.standardError)")
            let never = try Harness.run(arguments + ["--color", "never"], in: root)
            #expect(never.standardError.hasPrefix("error: "), "\(arguments): \(never.standardError)")
            // Not a terminal: auto is plain.
            let auto = try Harness.run(arguments, in: root)
            #expect(!auto.standardError.contains("\u{1B}["), "\(arguments)")
        }
        #expect(try Harness.run(["build", "--color", "sometimes"], in: root).status == 64)
    }

    @Test func quietDropsProgressAndPassesQuietToSwiftBuild() throws {
        let root = try Harness.fixture("tiny")
        // What glibc compatibility rebinds is a -v line (issue 14, item 14); -q drops it even then.
        let loud = try Harness.run(["build", "--dry-run", "--product", "Hello", "-v"], in: root)
        #expect(loud.standardError.contains("glibc-compat: "), "\(loud.standardError)")
        let quiet = try Harness.run(["build", "--dry-run", "--product", "Hello", "-q", "--image", "swift:6.3"], in: root)
        #expect(quiet.status == 0, "\(quiet.standardError)")
        #expect(!quiet.standardError.contains("glibc-compat: "), "\(quiet.standardError)")
        #expect(quiet.standardError.contains("warning: --image has no effect"))
        let build = try #require(quiet.standardOutput.split(separator: "\n").first { $0.contains(" build --package-path ") })
        #expect(build.hasSuffix("--product Hello --quiet)"), "\(build)")
        let both = try Harness.run(["build", "--dry-run", "-q", "-v"], in: root)
        #expect(both.status == 64)
    }

    @Test func verboseInvokeSaysWhatRunsWithSecretsMasked() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try Harness.run(
            ["invoke", "fixture", "-v", "--lambda-dir", lambda, "--env", "API_TOKEN=hunter2", "--env", "GREETING=hi"], in: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardError.split(separator: "\n").map(String.init)
        #expect(lines.contains("Function fixture: \(lambda)/fixture/bootstrap (/var/task is \(lambda)/fixture, /opt is \(lambda))"))
        #expect(lines.contains { $0.hasPrefix("Emulator: http://127.0.0.1:") })
        #expect(lines.contains("Starting fixture: \(lambda)/fixture/bootstrap in \(lambda)/fixture, with the environment:"))
        #expect(lines.contains("  API_TOKEN=****") && lines.contains("  GREETING=hi"))
        #expect(!result.standardError.contains("hunter2"))
        let quiet = try Harness.run(["invoke", "fixture", "--lambda-dir", lambda], in: lambda)
        #expect(!quiet.standardError.contains("Starting fixture"))
    }

    /// The one test here that compiles: the flag reaches swiftc, and the up-to-date
    /// shortcut does not keep the artifact built under other flags.
    @Test func xswiftcReachesTheCompilerAndAChangeOfFlagsRewritesTheArtifact() throws {
        let root = try Harness.fixture("tiny")
        let bootstrap = "\(root)/target/lambda/Hello/bootstrap"
        let flagged = try Harness.run(["build", "--product", "Hello", "-q", "-Xswiftc", "-DTINY_FLAG", "-j", "2"], in: root)
        #expect(flagged.status == 0, "\(flagged.standardError)")
        #expect(!flagged.standardError.contains("Building"), "\(flagged.standardError)")
        #expect(flagged.standardOutput.contains("Hello"))
        #expect(try Harness.runProcess(bootstrap, [], in: root).standardOutput == "hello from tiny, built with TINY_FLAG\n")
        let plain = try Harness.run(["build", "--product", "Hello", "-q"], in: root)
        #expect(plain.status == 0, "\(plain.standardError)")
        #expect(try Harness.runProcess(bootstrap, [], in: root).standardOutput == "hello from tiny\n")
    }

    @Test func invokeAndServePrintTheConfigurationsWarnings() throws {
        let directory = try Harness.temporaryDirectory(prefix: "warnings")
        let environment = Self.environment(["SWIFT_LAMBDA_LAMBDA_DRI": "out"])
        let warning = "warning: SWIFT_LAMBDA_LAMBDA_DRI is not a swift-lambda variable and is ignored; did you mean SWIFT_LAMBDA_LAMBDA_DIR?"
        for arguments in [["invoke", "missing"], ["serve", "missing"], ["invoke", "missing", "--lambda-dir", "elsewhere"]] {
            let result = try Harness.run(arguments, in: directory, environment: environment)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.standardError.contains(warning), "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("error: "), "\(arguments)")
        }
    }
}

/// The decisions behind item 10, without running the CLI.
@Suite struct CLIConventionDecisionTests {
    @Test func configurationIsAnAliasOfReleaseAndAContradictionIsAnError() throws {
        #expect(try ConfigurationFlag.release(release: nil, configuration: nil) == nil)
        #expect(try ConfigurationFlag.release(release: true, configuration: nil) == true)
        #expect(try ConfigurationFlag.release(release: nil, configuration: .release) == true)
        #expect(try ConfigurationFlag.release(release: nil, configuration: .debug) == false)
        #expect(try ConfigurationFlag.release(release: false, configuration: .debug) == false)
        #expect(throws: ConfigurationFlagError(configuration: .debug, release: true)) {
            try ConfigurationFlag.release(release: true, configuration: .debug)
        }
    }

    @Test func passThroughFlagsKeepSwiftPMsSpellingAndOnlyCompilerFlagsReachTheQueryAndTheFingerprint() throws {
        let flags = PassThrough(swiftc: ["-Onone", "-DFOO"], cc: ["-DBAR"], linker: ["--gc-sections"], cxx: ["-std=c++17"], jobs: 3)
        #expect(flags.compilerArguments == ["-Xswiftc", "-Onone", "-Xswiftc", "-DFOO", "-Xcc", "-DBAR", "-Xlinker", "--gc-sections", "-Xcxx", "-std=c++17"])
        #expect(flags.runArguments(quiet: true) == ["--jobs", "3", "--quiet"])
        #expect(PassThrough().runArguments(quiet: false).isEmpty)

        let artifact = PlannedArtifact(
            product: "Hello", kind: .function, sourceBinary: "/nonexistent/Hello", stripsSymbols: false, targets: ["Hello"],
            root: "/nonexistent/lambda/Hello", ownsRoot: true, layout: ArtifactLayout(executable: "bootstrap"), bundles: [],
            includes: [], zip: nil)
        let zip = try ZipOptions.deterministic(environment: [:])
        let plain = UpToDate.fingerprint(artifact, zipOptions: zip)
        #expect(UpToDate.fingerprint(artifact, zipOptions: zip, compilerArguments: []) == plain)
        let foo = UpToDate.fingerprint(artifact, zipOptions: zip, compilerArguments: ["-Xswiftc", "-DFOO"])
        #expect(foo != plain)
        #expect(foo != UpToDate.fingerprint(artifact, zipOptions: zip, compilerArguments: ["-Xswiftc", "-DBAR"]))
    }

    @Test func quietKeepsWarningsErrorsAndResultsOnly() {
        final class Recorder: Console, @unchecked Sendable {
            var lines: [String] = []
            func progress(_ line: String) { lines.append("progress " + line) }
            func result(_ line: String) { lines.append("result " + line) }
        }
        let recorder = Recorder()
        let quiet = QuietConsole(recorder)
        quiet.progress("Building Tiny")
        quiet.progress("warning: --image has no effect")
        quiet.progress("error: it broke")
        quiet.result("Built 1 artifact")
        #expect(recorder.lines == ["progress warning: --image has no effect", "progress error: it broke", "result Built 1 artifact"])
    }
}
