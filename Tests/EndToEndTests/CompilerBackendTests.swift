import Foundation
import LambdaTestSupport
import Testing

/// The compiler backends end to end: a real `--swift-sdk` build, the stops
/// before compiling, and the docker backend through a fake `docker`.
@Suite struct CompilerBackendTests {
    static var swiftVersion: (majorMinor: String, full: String) {
        let output = (try? Harness.runProcess("/usr/bin/env", ["swift", "--version"], in: "/").standardOutput) ?? ""
        let version = output.components(separatedBy: "Swift version ").dropFirst().first?.prefix { $0.isNumber || $0 == "." } ?? ""
        return (version.split(separator: ".").prefix(2).joined(separator: "."), String(version))
    }

    @Test func swiftSDKBackendBuildsTheExamplesThroughARealSDK() async throws {
        let sdk = try HostSwiftSDK.install(in: try Harness.temporaryDirectory(prefix: "sdk"))
        let root = try Harness.copyPackage("\(Harness.repositoryRoot)/Examples", named: "Examples")
        let result = try Harness.run(
            ["build", "--release", "--compiler", "swift-sdk", "--output-format", "zip", "-v"] + sdk.buildArguments, in: root)
        try #require(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("Compiler: swift-sdk, target \(sdk.triple)"))
        #expect(result.standardError.contains("--swift-sdk \(sdk.id) --swift-sdks-path \(sdk.sdksPath)"))
        // glibc compatibility reads the SDK's sysroot (here symlinks to this machine's libraries).
        #expect(result.standardError.contains("glibc-compat: rebinding "))
        #expect(result.standardOutput.split(separator: "\n").filter { $0.contains("checks passed") }.count == 3)
        let lambda = "\(root)/target/lambda"
        #expect(Harness.contents(of: lambda) == ["echo", "greeter", "quotes"])
        #expect(Harness.contents(of: "\(lambda)/quotes") == ["Examples_QuoteBook.resources", "NOTICE.txt", "bootstrap", "bootstrap.zip"])
        let (outcome, output) = try await LocalInvocation.invoke(taskRoot: "\(lambda)/greeter", event: Array(#"{"name":"SDK"}"#.utf8))
        #expect(outcome == .response(Array(#"{"greeting":"Hello, SDK!","length":3}"#.utf8)), "\(output)")

        // An image takes its system layer from the SDK's sysroot (here links to this machine's
        // libraries), and runs through its own loader.
        let image = try Harness.run(
            ["build", "--release", "--compiler", "swift-sdk", "--output-format", "image", "--product", "greeter"] + sdk.buildArguments,
            in: root)
        #expect(image.status == 0, "\(image.standardError)")
        #expect(image.standardOutput.contains("image checks passed"), "\(image.standardOutput)")
        let ran = try Harness.run(["invoke", "greeter", "--image", "--data", #"{"name":"SDK image"}"#], in: root)
        #expect(ran.standardOutput == #"{"greeting":"Hello, SDK image!","length":9}"# + "\n", "\(ran.standardError)")

        // Naming an SDK is enough: with no --compiler, an SDK that can build the target is used.
        let implicit = try Harness.run(["build", "--release", "--product", "echo", "-v"] + sdk.buildArguments, in: root)
        #expect(implicit.status == 0, "\(implicit.standardError)")
        #expect(implicit.standardError.contains("Compiler: swift-sdk"))
    }

    @Test func missingSDKsStopBeforeCompilingWithTheWayOut() throws {
        let root = try Harness.fixture("tiny")
        let arm = try Harness.run(["build", "--arm64", "--product", "Hello"], in: root)
        #expect(arm.status == 1)
        #expect(arm.standardError.contains("error: this machine cannot build aarch64-unknown-linux-gnu with its own toolchain and no installed Swift SDK can; without Docker, install `swift sdk install https://download.swift.org/swift-\(Self.swiftVersion.full)-release/static-sdk/"))
        #expect(arm.standardError.contains("and build with --target aarch64-swift-linux-musl; or install a glibc Swift SDK for aarch64-unknown-linux-gnu"))
        #expect(arm.standardError.contains("--compiler docker"))
        #expect(!arm.standardError.contains("Building "))

        let musl = try Harness.run(["build", "--target", "aarch64-swift-linux-musl", "--product", "Hello"], in: root)
        #expect(musl.status == 1)
        let version = Self.swiftVersion.full
        #expect(musl.standardError.contains(
            "install the Static Linux SDK: swift sdk install https://download.swift.org/swift-\(version)-release/static-sdk/swift-\(version)-RELEASE/swift-\(version)-RELEASE_static-linux-"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda/Hello"))

        let swiftpm = try Harness.run(["build", "--compiler", "swiftpm", "--arm64"], in: root)
        #expect(swiftpm.status == 1)
        #expect(swiftpm.standardError.contains("the swiftpm compiler builds only for this host"))
        #expect(swiftpm.standardError.contains("--compiler swift-sdk") && swiftpm.standardError.contains("--compiler docker"))
    }

    @Test func unknownCompilersAndTargetsFailClearly() throws {
        let root = try Harness.fixture("tiny")
        // A bad flag value is a usage error (64); the same value from a variable or the file is not (issue 14, item 12).
        let flag = try Harness.run(["build", "--compiler", "zigbuild"], in: root)
        #expect(flag.status == 64)
        #expect(flag.standardError.hasPrefix("error: unknown compiler 'zigbuild' (from --compiler); use one of: swiftpm, swift-sdk, docker"))
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_LAMBDA_COMPILER"] = "cross"
        let variable = try Harness.run(["build"], in: root, environment: environment)
        #expect(variable.status == 1)
        #expect(variable.standardError.contains("error: SWIFT_LAMBDA_COMPILER: compiler = 'cross' is not valid; use swiftpm or swift-sdk or docker"))
        let triple = try Harness.run(["build", "--target", "x86_64-apple-macosx"], in: root)
        #expect(triple.status == 64)
        #expect(triple.standardError.contains("invalid or unsupported target for AWS Lambda: x86_64-apple-macosx; use one of: x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu, x86_64-swift-linux-musl, aarch64-swift-linux-musl"))
        let two = try Harness.run(["build", "--arm64", "--x86-64"], in: root)
        #expect(two.status == 64)
        #expect(two.standardError.contains("--arm64 and --x86-64 both choose the target"))
    }

    @Test func dockerDryRunShowsTheExactContainerCommand() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--compiler", "docker", "--dry-run", "--arm64", "--release", "--product", "Hello"], in: root)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Target aarch64-unknown-linux-gnu (arm64), compiler docker"))
        #expect(result.standardOutput.contains(
            "docker run --rm --platform linux/arm64 --volume \(root):/workspace --workdir /workspace swift:\(Self.swiftVersion.majorMinor)-amazonlinux2023 swift build --package-path /workspace -c release --static-swift-stdlib"))
        #expect(result.standardOutput.contains("--scratch-path /workspace/.build-swift-lambda/docker-aarch64"))
        #expect(result.standardOutput.contains("--product Hello"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target"))
    }

    /// Runs swift-lambda with the fake docker first on PATH.
    func runWithFakeDocker(_ arguments: [String], in root: String, binary: String, extra: [String: String] = [:]) throws -> (CLIResult, [String]) {
        let log = "\(try Harness.temporaryDirectory(prefix: "dockerlog"))/log"
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "\(Harness.repositoryRoot)/Tests/EndToEndTests/Fixtures/fake-docker:" + (environment["PATH"] ?? "")
        environment["FAKE_DOCKER_LOG"] = log
        environment["FAKE_DOCKER_BINARY"] = binary
        environment["FAKE_DOCKER_PRODUCTS"] = "Hello Bye"
        environment.merge(extra) { $1 }
        let result = try Harness.run(arguments, in: root, environment: environment)
        let calls = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return (result, calls)
    }

    static var crossCompiler: String { "/usr/bin/aarch64-linux-gnu-gcc" }

    /// A real aarch64 executable from the Debian cross compiler.
    func arm64Binary() throws -> String {
        let directory = try Harness.temporaryDirectory(prefix: "arm64")
        try "int main(void) { return 0; }\n".write(toFile: "\(directory)/main.c", atomically: true, encoding: .utf8)
        let compile = try Harness.runProcess(Self.crossCompiler, ["-o", "\(directory)/main", "\(directory)/main.c"], in: directory)
        try #require(compile.status == 0, "\(compile.standardError)")
        return "\(directory)/main"
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: crossCompiler)))
    func dockerBackendRunsTheContainerAndMapsItsBinPathBack() throws {
        let root = try Harness.fixture("tiny")
        let (result, calls) = try runWithFakeDocker(
            ["build", "--compiler", "docker", "--arm64", "--release", "--output-format", "zip"], in: root, binary: try arm64Binary())
        #expect(result.status == 0, "\(result.standardError)")
        let image = "swift:\(Self.swiftVersion.majorMinor)-amazonlinux2023"
        let prefix = "run --rm --platform linux/arm64 --volume \(root):/workspace --workdir /workspace \(image) swift build --package-path /workspace -c release --static-swift-stdlib"
        #expect(calls.first == "info")
        #expect(calls.filter { $0.hasPrefix(prefix) && $0.hasSuffix("--show-bin-path") }.count == 1)
        #expect(calls.filter { $0.hasPrefix(prefix) && !$0.contains("--show-bin-path") }.count == 1)
        for name in ["Bye", "Hello"] {
            let line = try #require(result.standardOutput.split(separator: "\n").first { $0.hasSuffix("target/lambda/\(name)/bootstrap") })
            #expect(line.contains("arm64"))
            #expect(FileManager.default.fileExists(atPath: "\(root)/target/lambda/\(name)/bootstrap.zip"))
        }
        #expect(FileManager.default.fileExists(atPath: "\(root)/.build-swift-lambda/docker-aarch64/aarch64-unknown-linux-gnu/release/Hello"))
    }

    @Test func bundleLibsRefusesLibrariesFromAnotherSystem() throws {
        let root = try Harness.fixture("tiny")
        let (result, _) = try runWithFakeDocker(["build", "--compiler", "docker", "--bundle-libs"], in: root, binary: "/bin/true")
        #expect(result.status == 1)
        #expect(result.standardError.contains("error: --bundle-libs takes libraries from this host, but --compiler docker links against another system's"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda"))
    }

    /// An image takes the libraries the bootstrap links from this host or an SDK's sysroot; a
    /// container build links against the container's, which are not here to copy.
    @Test func imagesAreRefusedWithTheDockerBackend() throws {
        let root = try Harness.fixture("tiny")
        let (result, calls) = try runWithFakeDocker(["build", "--compiler", "docker", "--output-format", "image"], in: root, binary: "/bin/true")
        #expect(result.status == 1)
        #expect(
            result.standardError.contains(
                "error: --output-format image puts the libraries the bootstrap links into the image, and --compiler docker links against the container's"),
            "\(result.standardError)")
        #expect(!calls.contains { $0.hasPrefix("run ") && !$0.contains("--show-bin-path") }, "refused before compiling: \(calls)")
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda/Hello"))
    }

    @Test func wrongArchitectureFromTheCompilerIsAnErrorAndWritesNothing() throws {
        let root = try Harness.fixture("tiny")
        let (result, _) = try runWithFakeDocker(["build", "--compiler", "docker", "--arm64", "--product", "Hello"], in: root, binary: "/bin/true")
        #expect(result.status == 1)
        #expect(result.standardError.contains("error: 'Hello' was built for x86_64, not aarch64-unknown-linux-gnu; it would fail on Lambda with 'exec format error'"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda/Hello"))
    }

    @Test func dockerEngineThatDoesNotAnswerStopsBeforeBuilding() throws {
        let root = try Harness.fixture("tiny")
        let (result, calls) = try runWithFakeDocker(
            ["build", "--compiler", "docker"], in: root, binary: "/bin/true", extra: ["FAKE_DOCKER_ENGINE_DOWN": "1"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("error: 'docker' is installed but its engine does not answer (Cannot connect to the Docker daemon"))
        #expect(calls == ["info"])
        let (podman, _) = try runWithFakeDocker(["build", "--compiler", "docker", "--container-cli", "podman"], in: root, binary: "/bin/true",
            extra: ["PATH": try Harness.pathWithout(["podman"])])
        #expect(podman.status == 1)
        #expect(podman.standardError.contains("'podman' is not on PATH"))
        #expect(podman.standardError.contains("or use --compiler swiftpm, which builds x86_64-unknown-linux-gnu on this machine"))
    }
}
