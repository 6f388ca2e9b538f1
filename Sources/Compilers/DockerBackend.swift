public import BuildPlanner
public import LambdaSupport

/// The container programs the docker backend can drive.
public enum ContainerCLI: String, Sendable, Equatable, CaseIterable {
    case docker
    case podman
    /// Apple's `container` tool.
    case container
}

/// `swift build` inside the official Swift image for Amazon Linux 2023, so
/// the binary links against the glibc and libstdc++ Lambda has. The package
/// is mounted at /workspace; the container's bin path is mapped back.
public struct DockerBackend: CompilerBackend {
    public let name = CompilerName.docker
    public var cli: ContainerCLI
    /// `swift:<major.minor>-amazonlinux2023` unless overridden with `--image`.
    public var image: String
    public var environment: [String: String]
    /// The machine, for the way out when no container engine works.
    public var host: HostPlatform

    static let mountPoint = "/workspace"

    public init(cli: ContainerCLI, image: String, environment: [String: String], host: HostPlatform = .current) {
        self.cli = cli
        self.image = image
        self.environment = environment
        self.host = host
    }

    /// What builds `target` here without a container: swiftpm when the host builds it itself,
    /// else a Swift SDK.
    func alternative(for target: LambdaTarget) -> String {
        host.buildsNatively(target)
            ? "or use --compiler swiftpm, which builds \(target) on this machine"
            : "or use --compiler swift-sdk (\(SDKInstallHint(target: target, version: nil)))"
    }

    /// The official image matching the toolchain, so container and host
    /// builds use the same Swift.
    public static func defaultImage(for version: ToolchainVersion) -> String {
        "swift:\(version.major).\(version.minor)-amazonlinux2023"
    }

    /// A scratch directory per architecture, apart from the host's `.build`,
    /// so container and host builds never share (incompatible) products.
    func scratchPath(for request: BuildRequest) -> String {
        "\(Self.mountPoint)/.build-swift-lambda/\(cli.rawValue)-\(request.target.architecture.rawValue)"
    }

    func containerInvocation(_ swiftArguments: [String], request: BuildRequest) -> Invocation {
        Invocation(
            executable: cli.rawValue,
            arguments: [
                "run", "--rm", "--platform", request.target.architecture.containerPlatform,
                "--volume", "\(request.packagePath):\(Self.mountPoint)", "--workdir", Self.mountPoint,
                image, "swift",
            ] + swiftArguments)
    }

    func swiftArguments(for request: BuildRequest) -> [String] {
        SwiftBuildArguments.common(request, packagePath: Self.mountPoint) + ["--scratch-path", scratchPath(for: request)]
    }

    public func preflight(_ request: BuildRequest, runner: any ProcessRunning) async throws {
        if request.target.libc == .musl {
            throw CompilerError.dockerCannotBuildMusl(request.target)
        }
        let executable: String
        do {
            executable = try ExecutableLookup(environment: environment).resolve(cli.rawValue)
        } catch {
            throw CompilerError.containerCLIMissing(cli.rawValue, alternative: alternative(for: request.target))
        }
        // `info` (docker, podman) and `system status` (container) fail when no engine answers.
        let probe = cli == .container ? ["system", "status"] : ["info"]
        do {
            _ = try await runner.capture(Invocation(executable: executable, arguments: probe))
        } catch ProcessError.failed(_, _, _, let standardError) {
            throw CompilerError.containerEngineDown(
                cli.rawValue, says: standardError.trimmingWhitespace, alternative: alternative(for: request.target))
        }
    }

    public func buildInvocation(for request: BuildRequest) -> Invocation {
        containerInvocation(swiftArguments(for: request) + SwiftBuildArguments.buildOnly(request), request: request)
    }

    public func binPathInvocation(for request: BuildRequest) -> Invocation {
        containerInvocation(swiftArguments(for: request) + ["--show-bin-path"], request: request)
    }

    /// The container prints a path under /workspace; the same files are
    /// under the package path on the host.
    public func hostBinPath(fromOutput output: String, request: BuildRequest) throws -> String {
        let path = try lastAbsolutePath(in: output)
        guard let host = rebase(path, from: Self.mountPoint, to: request.packagePath) else {
            throw CompilerError.unexpectedBinPath(output: path)
        }
        return host
    }
}
