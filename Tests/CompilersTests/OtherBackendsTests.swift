import BuildPlanner
import Compilers
import LambdaSupport
import Testing

@Suite struct SwiftSDKBackendTests {
    @Test func sdkDefaultsToTheTargetsTriple() {
        let backend = SwiftSDKBackend(toolchain: toolchain)
        let request = BuildRequest(packagePath: "/pkg", configuration: .release, product: "echo", target: armMusl, optimizations: false)
        #expect(backend.buildInvocation(for: request).arguments == [
            "build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib",
        ] + pathArguments + ["--swift-sdk", "aarch64-swift-linux-musl"] + hostScratch + ["--product", "echo"])
        #expect(backend.binPathInvocation(for: request).arguments.suffix(5) == ["--swift-sdk", "aarch64-swift-linux-musl"] + hostScratch + ["--show-bin-path"])
        #expect(backend.buildInvocation(for: request).workingDirectory == "/pkg")
    }

    @Test func namedSDKAndSDKsPath() {
        let backend = SwiftSDKBackend(toolchain: toolchain, sdk: "al2023-arm64", sdksPath: "/sdks")
        let request = BuildRequest(packagePath: "/pkg", configuration: .debug, target: armGlibc)
        #expect(backend.buildInvocation(for: request).arguments == [
            "build", "--package-path", "/pkg", "-c", "debug", "--static-swift-stdlib",
        ] + pathArguments + ["--swift-sdk", "al2023-arm64", "--swift-sdks-path", "/sdks"] + hostScratch)
    }

    @Test func preflightAsksSwiftPMForTheBinPath() async throws {
        let backend = SwiftSDKBackend(toolchain: toolchain, sdk: "x", sdksPath: "/sdks")
        let request = BuildRequest(packagePath: "/pkg", configuration: .debug, target: x86Glibc)
        let runner = FakeRunner { _ in "/pkg/.build/x86_64-unknown-linux-gnu/debug\n" }
        try await backend.preflight(request, runner: runner)
        #expect(runner.invocations == [backend.binPathInvocation(for: request)])
    }

    @Test func missingStaticSDKErrorGivesTheExactInstallCommand() async throws {
        let version = ToolchainVersion(major: 6, minor: 3, patch: 1)
        let backend = SwiftSDKBackend(toolchain: toolchain, toolchainVersion: version)
        let request = BuildRequest(packagePath: "/pkg", configuration: .release, target: armMusl)
        do {
            try await backend.preflight(request, runner: FakeRunner.failing("error: No Swift SDK found matching query 'aarch64-swift-linux-musl'"))
            Issue.record("preflight passed without an SDK")
        } catch let error as CompilerError {
            let text = error.description
            #expect(text.hasPrefix("no usable Swift SDK 'aarch64-swift-linux-musl' for aarch64-swift-linux-musl (SwiftPM: error: No Swift SDK found"))
            #expect(text.contains(
                "swift sdk install https://download.swift.org/swift-6.3.1-release/static-sdk/swift-6.3.1-RELEASE/swift-6.3.1-RELEASE_static-linux-0.1.0.artifactbundle.tar.gz --checksum "))
            #expect(text.contains("https://www.swift.org/install/linux/"))
        }
    }

    /// `--arm64` with no SDK on an x86_64 host: the Docker-free way first, with the exact
    /// command and the musl triple, then a glibc SDK, then docker (issue 14, item 15).
    @Test func aGlibcTargetWithoutAnSDKNamesTheStaticSDKFirst() {
        let hint = SDKInstallHint(target: armGlibc, version: ToolchainVersion(major: 6, minor: 3, patch: 1))
        #expect(hint.description == "without Docker, install `swift sdk install https://download.swift.org/swift-6.3.1-release/static-sdk/swift-6.3.1-RELEASE/swift-6.3.1-RELEASE_static-linux-0.1.0.artifactbundle.tar.gz --checksum <the SHA-256 published beside it on https://www.swift.org/install/linux/>` and build with --target aarch64-swift-linux-musl; or install a glibc Swift SDK for aarch64-unknown-linux-gnu (for example one made with swift-sdk-generator for Amazon Linux 2023) and pass --swift-sdk ID; or use --compiler docker")
        #expect(CompilerError.noBackend(armGlibc, install: hint).description.contains("--target aarch64-swift-linux-musl"))
    }

    /// No container engine: the way out is what builds the target here, swiftpm for the host's
    /// own architecture, never an SDK that is not installed.
    @Test func noContainerEngineSuggestsWhatWorksHere() async throws {
        let hostTarget = BuildRequest(packagePath: "/p", configuration: .release, target: x86Glibc)
        let missing = DockerBackend(cli: .docker, image: "i", environment: ["PATH": "/nonexistent"], host: linuxX86)
        await #expect(throws: CompilerError.containerCLIMissing("docker", alternative: "or use --compiler swiftpm, which builds x86_64-unknown-linux-gnu on this machine")) {
            try await missing.preflight(hostTarget, runner: FakeRunner())
        }
        #expect(CompilerError.containerEngineDown("docker", says: "Cannot connect", alternative: "or use --compiler swiftpm, which builds x86_64-unknown-linux-gnu on this machine").description
            == "'docker' is installed but its engine does not answer (Cannot connect); start it, or use --compiler swiftpm, which builds x86_64-unknown-linux-gnu on this machine")
    }

    @Test func staticSDKVersionsFollowTheToolchain() {
        #expect(ToolchainVersion(major: 6, minor: 0, patch: 3).staticSDKBundleVersion == "0.0.1")
        #expect(ToolchainVersion(major: 6, minor: 2, patch: 0).staticSDKBundleVersion == "0.0.1")
        #expect(ToolchainVersion(major: 6, minor: 3, patch: 0).staticSDKBundleVersion == "0.1.0")
        #expect(ToolchainVersion(major: 7, minor: 0, patch: 0).staticSDKBundleVersion == nil)
        let hint = SDKInstallHint(target: armMusl, version: ToolchainVersion(major: 6, minor: 2, patch: 0))
        #expect(hint.staticSDKInstallCommand?.contains("swift-6.2-release/static-sdk/swift-6.2-RELEASE/swift-6.2-RELEASE_static-linux-0.0.1") == true)
        #expect(SDKInstallHint(target: armMusl, version: nil).description.contains("https://www.swift.org/install/linux/"))
    }

    @Test func versionIsReadFromSwiftVersion() {
        #expect(ToolchainVersion.parse(swiftVersionOutput: "Swift version 6.3.1 (swift-6.3.1-RELEASE)\nTarget: x86_64-unknown-linux-gnu")
            == ToolchainVersion(major: 6, minor: 3, patch: 1))
        #expect(ToolchainVersion.parse(swiftVersionOutput: "Apple Swift version 6.2 (swiftlang-6.2.0.1)") == ToolchainVersion(major: 6, minor: 2, patch: 0))
        #expect(ToolchainVersion.parse(swiftVersionOutput: "nothing") == nil)
    }
}

@Suite struct DockerBackendTests {
    let backend = DockerBackend(cli: .docker, image: "swift:6.3-amazonlinux2023", environment: ["PATH": "/usr/bin:/bin"])

    @Test func buildsInsideTheAmazonLinuxImageWithThePackageMounted() {
        let request = BuildRequest(packagePath: "/home/me/pkg", configuration: .release, product: "echo", target: armGlibc, optimizations: false)
        #expect(backend.buildInvocation(for: request) == Invocation(
            executable: "docker",
            arguments: [
                "run", "--rm", "--platform", "linux/arm64", "--volume", "/home/me/pkg:/workspace", "--workdir", "/workspace",
                "swift:6.3-amazonlinux2023", "swift", "build", "--package-path", "/workspace", "-c", "release",
                "--static-swift-stdlib",
            ] + pathArguments.map { $0.replacing("/pkg=", with: "/workspace=") } + [
                "--scratch-path", "/workspace/.build-swift-lambda/docker-aarch64", "--product", "echo",
            ]))
        let query = backend.binPathInvocation(for: request)
        #expect(query.arguments.suffix(3) == ["--scratch-path", "/workspace/.build-swift-lambda/docker-aarch64", "--show-bin-path"])
        #expect(query.arguments.contains("linux/arm64"))
    }

    @Test func defaultImageFollowsTheToolchain() {
        #expect(DockerBackend.defaultImage(for: ToolchainVersion(major: 6, minor: 3, patch: 1)) == "swift:6.3-amazonlinux2023")
    }

    @Test func containerBinPathIsMappedBackToTheHost() throws {
        let request = BuildRequest(packagePath: "/home/me/pkg", configuration: .release, target: armGlibc)
        #expect(try backend.hostBinPath(fromOutput: "/workspace/.build-swift-lambda/docker-aarch64/aarch64-unknown-linux-gnu/release\n", request: request)
            == "/home/me/pkg/.build-swift-lambda/docker-aarch64/aarch64-unknown-linux-gnu/release")
        #expect(throws: CompilerError.self) { try backend.hostBinPath(fromOutput: "/elsewhere/release", request: request) }
    }

    @Test func preflightNeedsTheCLIAndAnAnsweringEngine() async throws {
        let request = BuildRequest(packagePath: "/p", configuration: .release, target: armGlibc)
        let noCLI = DockerBackend(cli: .podman, image: "i", environment: ["PATH": "/nonexistent"], host: linuxX86)
        await #expect(throws: CompilerError.containerCLIMissing(
            "podman", alternative: "or use --compiler swift-sdk (\(SDKInstallHint(target: armGlibc, version: nil)))")) {
            try await noCLI.preflight(request, runner: FakeRunner())
        }
        let shell = DockerBackend(cli: .docker, image: "i", environment: ["PATH": "/nonexistent"])
        await #expect(throws: CompilerError.dockerCannotBuildMusl(armMusl)) {
            try await shell.preflight(BuildRequest(packagePath: "/p", configuration: .release, target: armMusl), runner: FakeRunner())
        }
    }
}

/// Every backend x target x configuration: the invariants each command must keep.
@Suite struct BackendMatrixTests {
    @Test(arguments: CompilerName.allCases)
    func everyCombinationNamesItsTargetAndConfiguration(_ name: CompilerName) {
        let backend: any CompilerBackend =
            switch name {
            case .swiftpm: SwiftPMBackend(toolchain: toolchain, host: linuxX86)
            case .swiftSDK: SwiftSDKBackend(toolchain: toolchain)
            case .docker: DockerBackend(cli: .docker, image: "img", environment: [:])
            }
        for target in LambdaTarget.supported {
            for configuration in BuildConfiguration.allCases {
                for product in [nil, "echo"] as [String?] {
                    let request = BuildRequest(packagePath: "/pkg", configuration: configuration, product: product, target: target)
                    let build = backend.buildInvocation(for: request).arguments
                    let query = backend.binPathInvocation(for: request).arguments
                    let swiftPart = Array(build.drop { $0 != "build" })
                    #expect(swiftPart.starts(with: ["build", "--package-path"]))
                    #expect(build.contains("-c") && build.contains(configuration.rawValue))
                    #expect(build.contains("--static-swift-stdlib"))
                    #expect(build.contains("--product") == (product != nil))
                    #expect(!query.contains("--product") && query.last == "--show-bin-path")
                    // The query names the same build directory as the build.
                    #expect(Array(query.dropLast()) == build.filter { $0 != "--product" && $0 != product })
                    switch name {
                    case .swiftpm: #expect(!build.contains("--swift-sdk"))
                    case .swiftSDK: #expect(build.contains(target.triple))
                    case .docker: #expect(build.contains(target.architecture.containerPlatform))
                    }
                }
            }
        }
    }
}
