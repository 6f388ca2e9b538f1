public import BuildPlanner
public import LambdaSupport

/// The host toolchain's `swift build`: the host's own architecture, glibc.
public struct SwiftPMBackend: CompilerBackend {
    public let name = CompilerName.swiftpm
    public var toolchain: Toolchain
    public var host: HostPlatform

    public init(toolchain: Toolchain, host: HostPlatform = .current) {
        self.toolchain = toolchain
        self.host = host
    }

    public func preflight(_ request: BuildRequest, runner: any ProcessRunning) async throws {
        guard host.buildsNatively(request.target) else {
            throw CompilerError.hostCannotBuild(request.target, host: host)
        }
    }

    /// What the build and its bin-path query share.
    func commonArguments(for request: BuildRequest) -> [String] {
        SwiftBuildArguments.common(request, packagePath: request.packagePath, toolchain: toolchain.directory)
    }

    public func buildInvocation(for request: BuildRequest) -> Invocation {
        SwiftBuildArguments.hostInvocation(
            toolchain.swift, request, commonArguments(for: request), then: SwiftBuildArguments.buildOnly(request))
    }

    public func binPathInvocation(for request: BuildRequest) -> Invocation {
        SwiftBuildArguments.hostInvocation(toolchain.swift, request, commonArguments(for: request), then: ["--show-bin-path"])
    }

    public func hostBinPath(fromOutput output: String, request: BuildRequest) throws -> String {
        SwiftBuildArguments.hostPath(try lastAbsolutePath(in: output), request: request)
    }
}
