import BuildPlanner
public import LambdaSupport

/// `swift build --swift-sdk ID`: the Static Linux SDK for the musl triples,
/// or any installed SDK (for example one made by swift-sdk-generator for
/// aarch64 Amazon Linux).
public struct SwiftSDKBackend: CompilerBackend {
    public let name = CompilerName.swiftSDK
    public var toolchain: Toolchain
    /// The SDK to use; nil selects the SDK whose id or triple is the target's triple.
    public var sdk: String?
    /// Where SDKs are installed, when not SwiftPM's default.
    public var sdksPath: String?
    /// The toolchain's version, for the exact Static Linux SDK to install.
    public var toolchainVersion: ToolchainVersion?

    public init(toolchain: Toolchain, sdk: String? = nil, sdksPath: String? = nil, toolchainVersion: ToolchainVersion? = nil) {
        self.toolchain = toolchain
        self.sdk = sdk
        self.sdksPath = sdksPath
        self.toolchainVersion = toolchainVersion
    }

    func sdkID(for request: BuildRequest) -> String { sdk ?? request.target.triple }

    func sdkArguments(for request: BuildRequest) -> [String] {
        ["--swift-sdk", sdkID(for: request)] + (sdksPath.map { ["--swift-sdks-path", $0] } ?? [])
    }

    /// SwiftPM itself answers whether the SDK can build the target: the
    /// bin-path query fails when it cannot select the SDK.
    public func preflight(_ request: BuildRequest, runner: any ProcessRunning) async throws {
        do {
            _ = try await runner.capture(binPathInvocation(for: request))
        } catch ProcessError.failed(_, _, _, let standardError) {
            throw CompilerError.swiftSDKUnavailable(
                sdk: sdkID(for: request), target: request.target, swiftPMSays: standardError.trimmingWhitespace,
                install: SDKInstallHint(target: request.target, version: toolchainVersion))
        }
    }

    /// What the build and its bin-path query share.
    func commonArguments(for request: BuildRequest) -> [String] {
        SwiftBuildArguments.common(request, packagePath: request.packagePath, toolchain: toolchain.directory)
            + sdkArguments(for: request)
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
