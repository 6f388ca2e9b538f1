public import BuildPlanner

/// Why a backend cannot do its part, in the words the user sees.
public enum CompilerError: Error, Sendable, Equatable {
    case unexpectedBinPath(output: String)
    case unknownCompiler(String, source: String)
    case hostCannotBuild(LambdaTarget, host: HostPlatform)
    case swiftSDKUnavailable(sdk: String, target: LambdaTarget, swiftPMSays: String, install: SDKInstallHint)
    case noBackend(LambdaTarget, install: SDKInstallHint)
    /// `alternative`: what builds the target here without a container ("or use ...").
    case containerCLIMissing(String, alternative: String)
    case containerEngineDown(String, says: String, alternative: String)
    case dockerCannotBuildMusl(LambdaTarget)
}

extension CompilerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unexpectedBinPath(let output):
            return "the compiler did not print a binary directory for --show-bin-path (it printed: \(output.isEmpty ? "nothing" : output)); check that 'swift build --show-bin-path' works in this package"
        case .unknownCompiler(let name, let source):
            return "unknown compiler '\(name)' (from \(source)); use one of: \(CompilerName.allCases.map(\.rawValue).joined(separator: ", "))"
        case .hostCannotBuild(let target, let host):
            let hostName = host.architecture.map { "\(host.isLinux ? "Linux " : "")\($0.rawValue) with glibc" } ?? "this machine"
            return "the swiftpm compiler builds only for this host (\(hostName)), not \(target); use --compiler swift-sdk with a Swift SDK for \(target), or --compiler docker"
        case .swiftSDKUnavailable(let sdk, let target, let swiftPMSays, let install):
            let said = swiftPMSays.split(separator: "\n").first.map { " (SwiftPM: \($0))" } ?? ""
            return "no usable Swift SDK '\(sdk)' for \(target)\(said); \(install)"
        case .noBackend(let target, let install):
            return "this machine cannot build \(target) with its own toolchain and no installed Swift SDK can; \(install)"
        case .containerCLIMissing(let cli, let alternative):
            return "'\(cli)' is not on PATH; install it (or pick another with --container-cli docker|podman|container), \(alternative)"
        case .containerEngineDown(let cli, let says, let alternative):
            let said = says.split(separator: "\n").first.map { " (\($0))" } ?? ""
            return "'\(cli)' is installed but its engine does not answer\(said); start it, \(alternative)"
        case .dockerCannotBuildMusl(let target):
            return "the docker compiler builds glibc binaries in Amazon Linux images, not \(target); use --compiler swift-sdk with the Static Linux SDK"
        }
    }
}
