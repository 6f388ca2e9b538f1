import BuildPlanner
import Compilers
import LambdaSupport
import Testing

@Suite struct SwiftPMBackendTests {
    let backend = SwiftPMBackend(toolchain: Toolchain(swift: "/opt/swift/usr/bin/swift", objcopy: "/opt/swift/usr/bin/llvm-objcopy"))

    @Test func debugBuildOfEverything() {
        let invocation = backend.buildInvocation(for: BuildRequest(packagePath: "/pkg", configuration: .debug))
        #expect(invocation == Invocation(
            executable: "/opt/swift/usr/bin/swift", arguments: ["build", "--package-path", "/pkg", "-c", "debug"]))
    }

    @Test func releaseLinksTheSwiftRuntimeStatically() {
        let invocation = backend.buildInvocation(for: BuildRequest(packagePath: "/pkg", configuration: .release, product: "echo"))
        #expect(invocation.arguments == [
            "build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib", "--product", "echo",
        ])
    }

    @Test func binPathQueryUsesTheBuildsArgumentsWithoutTheProduct() {
        let request = BuildRequest(packagePath: "/pkg", configuration: .release, product: "echo")
        let query = backend.binPathInvocation(for: request)
        #expect(query.arguments == ["build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib", "--show-bin-path"])
    }

    @Test func binPathIsTheLastAbsoluteLine() throws {
        #expect(try backend.hostBinPath(fromOutput: "note: x\n/pkg/.build/release\n") == "/pkg/.build/release")
        #expect(throws: CompilerError.self) { try backend.hostBinPath(fromOutput: "nothing useful") }
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
