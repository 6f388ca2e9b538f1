import BuildPlanner
import Compilers
import LambdaSupport
import Testing

let toolchain = Toolchain(swift: "/opt/swift/usr/bin/swift", objcopy: "/opt/swift/usr/bin/llvm-objcopy")
let linuxX86 = HostPlatform(isLinux: true, architecture: .x86_64)
let x86Glibc = LambdaTarget(architecture: .x86_64, libc: .glibc)
let armGlibc = LambdaTarget(architecture: .aarch64, libc: .glibc)
let armMusl = LambdaTarget(architecture: .aarch64, libc: .musl)

/// What every build of the package at `/pkg` adds to map its checkout away.
let pathArguments = [
    "-Xswiftc", "-file-prefix-map", "-Xswiftc", "/pkg=/swift-lambda/pkg", "-Xcc", "-ffile-prefix-map=/pkg=/swift-lambda/pkg",
] + pathIndependentArguments

/// Where the host backends build: the root's `.build`, named without the checkout's path.
let hostScratch = ["--scratch-path", "/proc/self/cwd/.build"]

/// What every build adds whatever its root: no breadcrumbs, no module hash, a content build id.
let pathIndependentArguments = [
    "-Xswiftc", "-Xfrontend", "-Xswiftc", "-no-clang-module-breadcrumbs",
    "-Xswiftc", "-Xfrontend", "-Xswiftc", "-disable-incremental-llvm-codegen", "-Xlinker", "--build-id=sha1",
]

@Suite struct SwiftPMBackendTests {
    let backend = SwiftPMBackend(toolchain: toolchain, host: linuxX86)

    @Test func debugBuildOfEverythingAlsoLinksTheRuntimeStatically() {
        let invocation = backend.buildInvocation(for: BuildRequest(packagePath: "/pkg", configuration: .debug))
        #expect(invocation == Invocation(
            executable: "/opt/swift/usr/bin/swift",
            arguments: ["build", "--package-path", "/pkg", "-c", "debug", "--static-swift-stdlib"] + pathArguments + hostScratch,
            workingDirectory: "/pkg"))
    }

    @Test func releaseLinksTheSwiftRuntimeStatically() {
        let invocation = backend.buildInvocation(for: BuildRequest(packagePath: "/pkg", configuration: .release, product: "echo"))
        #expect(invocation.arguments == [
            "build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib",
        ] + ReleaseOptimizations.flags + pathArguments + hostScratch + ["--product", "echo"])
    }

    @Test func disabledOptimizationsKeepOnlyTheStaticRuntime() {
        let request = BuildRequest(packagePath: "/pkg", configuration: .release, optimizations: false)
        #expect(backend.buildInvocation(for: request).arguments == [
            "build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib",
        ] + pathArguments + hostScratch)
    }

    @Test func binPathQueryUsesTheBuildsArgumentsWithoutTheProduct() {
        let request = BuildRequest(packagePath: "/pkg", configuration: .release, product: "echo", optimizations: false)
        #expect(backend.binPathInvocation(for: request).arguments == [
            "build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib",
        ] + pathArguments + hostScratch + ["--show-bin-path"])
    }

    @Test func extraArgumentsReachTheBuildAndTheBinPathQueryAlike() {
        let extra = ["-Xswiftc", "-L/pkg/.build/swift-lambda/compat/x/lib", "-Xlinker", "/pkg/.build/swift-lambda/compat/a.ld"]
        let request = BuildRequest(packagePath: "/pkg", configuration: .release, product: "echo", optimizations: false, extraArguments: extra)
        let common = ["build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib"] + pathArguments + extra
        #expect(backend.buildInvocation(for: request).arguments == common + hostScratch + ["--product", "echo"])
        #expect(backend.binPathInvocation(for: request).arguments == common + hostScratch + ["--show-bin-path"])
        let sdk = SwiftSDKBackend(toolchain: toolchain, sdk: "host")
        #expect(sdk.buildInvocation(for: request).arguments == common + ["--swift-sdk", "host"] + hostScratch + ["--product", "echo"])
    }

    @Test func binPathIsTheLastAbsoluteLine() throws {
        let request = BuildRequest(packagePath: "/pkg", configuration: .debug)
        #expect(try backend.hostBinPath(fromOutput: "note: x\n/pkg/.build/release\n", request: request) == "/pkg/.build/release")
        // Printed under the scratch path's /proc/self/cwd, which is the package root.
        let printed = "/proc/self/cwd/.build/x86_64-unknown-linux-gnu/release\n"
        #expect(try backend.hostBinPath(fromOutput: printed, request: request) == "/pkg/.build/x86_64-unknown-linux-gnu/release")
        #expect(try SwiftSDKBackend(toolchain: toolchain).hostBinPath(fromOutput: printed, request: request) == "/pkg/.build/x86_64-unknown-linux-gnu/release")
        #expect(throws: CompilerError.self) { try backend.hostBinPath(fromOutput: "nothing useful", request: request) }
    }

    @Test func preflightAcceptsOnlyTheHostsOwnTarget() async throws {
        let runner = FakeRunner()
        try await backend.preflight(BuildRequest(packagePath: "/p", configuration: .debug, target: x86Glibc), runner: runner)
        for target in [armGlibc, armMusl, LambdaTarget(architecture: .x86_64, libc: .musl)] {
            await #expect(throws: CompilerError.hostCannotBuild(target, host: linuxX86)) {
                try await backend.preflight(BuildRequest(packagePath: "/p", configuration: .debug, target: target), runner: runner)
            }
        }
        #expect(runner.invocations.isEmpty)
        let message = CompilerError.hostCannotBuild(armGlibc, host: linuxX86).description
        #expect(message.contains("--compiler swift-sdk") && message.contains("--compiler docker"))
    }

    @Test func stripUsesTheToolchainsObjcopy() throws {
        let toolchain = Toolchain(swift: "/s/swift", objcopy: "/s/llvm-objcopy")
        #expect(try toolchain.stripInvocation(input: "/a", output: "/b") == Invocation(
            executable: "/s/llvm-objcopy", arguments: ["--strip-all", "/a", "/b"]))
        #expect(throws: ToolchainError.objcopyNotFound(swift: "/s/swift")) {
            try Toolchain(swift: "/s/swift", objcopy: nil).stripInvocation(input: "/a", output: "/b")
        }
    }

    @Test func toolchainIsFoundOnPathOrReported() throws {
        #expect(throws: ToolchainError.swiftNotFound(searchPath: "/nonexistent")) {
            try Toolchain.locate(environment: ["PATH": "/nonexistent"])
        }
    }

    @Test func commandLinesQuoteForTheShell() {
        let invocation = Invocation(
            executable: "swift", arguments: ["build", "a b", "it's"], environment: ["X": "1"], workingDirectory: "/p q")
        #expect(invocation.commandLine == "(cd '/p q' && env X=1 swift build 'a b' 'it'\\''s')")
    }
}
