import BuildPlanner
import Compilers
import LambdaSupport
import Testing

@Suite struct TargetTests {
    @Test func parsesTheFourTriplesAndTheArm64Alias() throws {
        #expect(try LambdaTarget.supported.map { try LambdaTarget.parse($0.triple) } == LambdaTarget.supported)
        #expect(try LambdaTarget.parse("arm64-unknown-linux-gnu") == armGlibc)
        #expect(try LambdaTarget.parse("arm64-swift-linux-musl") == armMusl)
    }

    @Test func anyOtherTripleIsRejectedWithTheList() {
        #expect(throws: TargetError.unsupported("x86_64-apple-macosx")) { try LambdaTarget.parse("x86_64-apple-macosx") }
        let text = TargetError.unsupported("riscv64-unknown-linux-gnu").description
        #expect(text.hasPrefix("invalid or unsupported target for AWS Lambda: riscv64-unknown-linux-gnu; use one of: x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu, x86_64-swift-linux-musl, aarch64-swift-linux-musl"))
    }

    @Test func flagsChooseAndTwoFlagsConflict() throws {
        #expect(try LambdaTarget.resolve(arm64: true, x86_64: false, triple: nil, host: linuxX86) == armGlibc)
        #expect(try LambdaTarget.resolve(arm64: false, x86_64: true, triple: nil, host: HostPlatform(isLinux: true, architecture: .aarch64)) == x86Glibc)
        #expect(throws: TargetError.conflicting(["--arm64", "--target"])) {
            try LambdaTarget.resolve(arm64: true, x86_64: false, triple: "x86_64-swift-linux-musl", host: linuxX86)
        }
    }

    @Test func defaultIsTheLinuxHostsArchitectureElseX86() throws {
        #expect(try LambdaTarget.resolve(arm64: false, x86_64: false, triple: nil, host: linuxX86) == x86Glibc)
        #expect(try LambdaTarget.resolve(arm64: false, x86_64: false, triple: nil, host: HostPlatform(isLinux: true, architecture: .aarch64)) == armGlibc)
        #expect(try LambdaTarget.resolve(arm64: false, x86_64: false, triple: nil, host: HostPlatform(isLinux: false, architecture: .aarch64)) == x86Glibc)
        #expect(try LambdaTarget.resolve(arm64: false, x86_64: false, triple: nil, host: HostPlatform(isLinux: true, architecture: nil)) == x86Glibc)
    }
}

@Suite struct BackendSelectionTests {
    func selector(_ runner: FakeRunner, environment: [String: String] = [:]) -> BackendSelector {
        BackendSelector(toolchain: toolchain, host: linuxX86, environment: environment, runner: runner)
    }

    @Test func flagThenEnvironmentAndUnknownNamesAreErrors() throws {
        let runner = FakeRunner()
        #expect(try selector(runner, environment: ["SWIFT_LAMBDA_COMPILER": "docker"]).requestedName(CompilerSettings()) == .docker)
        #expect(try selector(runner, environment: ["SWIFT_LAMBDA_COMPILER": "docker"]).requestedName(CompilerSettings(compiler: "swiftpm")) == .swiftpm)
        #expect(throws: CompilerError.unknownCompiler("zig", source: "--compiler")) {
            try selector(runner).requestedName(CompilerSettings(compiler: "zig"))
        }
        #expect(throws: CompilerError.unknownCompiler("cross", source: "SWIFT_LAMBDA_COMPILER")) {
            try selector(runner, environment: ["SWIFT_LAMBDA_COMPILER": "cross"]).requestedName(CompilerSettings())
        }
    }

    @Test func nativeTargetPicksSwiftPMWithoutRunningAnything() async throws {
        let runner = FakeRunner()
        let backend = try await selector(runner).select(CompilerSettings(), for: BuildRequest(packagePath: "/p", configuration: .debug, target: x86Glibc))
        #expect(backend.name == .swiftpm)
        #expect(runner.invocations.isEmpty)
    }

    @Test func crossTargetPicksAnInstalledSDK() async throws {
        let runner = FakeRunner { invocation in
            invocation.arguments == ["--version"] ? "Swift version 6.3.1 (swift-6.3.1-RELEASE)" : "/p/.build/aarch64-swift-linux-musl/debug"
        }
        let backend = try await selector(runner).select(CompilerSettings(), for: BuildRequest(packagePath: "/p", configuration: .debug, target: armMusl))
        #expect(backend.name == .swiftSDK)
        #expect(runner.invocations.last?.arguments.contains("--show-bin-path") == true)
    }

    @Test func crossTargetWithoutSDKNamesBothWays() async throws {
        let runner = FakeRunner { invocation in
            guard invocation.arguments == ["--version"] else {
                throw ProcessError.failed(invocation, status: 1, signal: nil, standardError: "error: No Swift SDK found")
            }
            return "Swift version 6.3.1 (swift-6.3.1-RELEASE)"
        }
        do {
            _ = try await selector(runner).select(CompilerSettings(), for: BuildRequest(packagePath: "/p", configuration: .debug, target: armGlibc))
            Issue.record("selected a backend for arm64 without an SDK")
        } catch let error as CompilerError {
            guard case .noBackend(armGlibc, _) = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("--swift-sdk ID") && error.description.contains("--compiler docker"))
        }
    }

    @Test func namedBackendIsPreflightedNeverReplaced() async throws {
        await #expect(throws: CompilerError.hostCannotBuild(armGlibc, host: linuxX86)) {
            _ = try await selector(FakeRunner()).select(
                CompilerSettings(compiler: "swiftpm"), for: BuildRequest(packagePath: "/p", configuration: .debug, target: armGlibc))
        }
    }

    @Test func dockerImageComesFromTheToolchainVersionOrTheFlag() async throws {
        let runner = FakeRunner { _ in "Swift version 6.3.1 (swift-6.3.1-RELEASE)" }
        let request = BuildRequest(packagePath: "/p", configuration: .release, target: armGlibc)
        let chosen = try await selector(runner).select(CompilerSettings(compiler: "docker"), for: request, preflight: false)
        #expect(chosen.buildInvocation(for: request).arguments.contains("swift:6.3-amazonlinux2023"))
        let custom = try await selector(runner).select(CompilerSettings(compiler: "docker", containerCLI: .podman, image: "my/swift:latest"), for: request, preflight: false)
        #expect(custom.buildInvocation(for: request).executable == "podman")
        #expect(custom.buildInvocation(for: request).arguments.contains("my/swift:latest"))
    }
}
