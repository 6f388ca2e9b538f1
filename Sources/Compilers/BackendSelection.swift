public import BuildPlanner
public import LambdaSupport

/// What the user said about compiling, from flags and the environment.
public struct CompilerSettings: Sendable, Equatable {
    /// `--compiler`.
    public var compiler: String?
    public var swiftSDK: String?
    public var swiftSDKsPath: String?
    public var containerCLI: ContainerCLI
    public var image: String?
    /// Where `compiler` was set, for the error when it names no backend.
    public var compilerOrigin: String

    public init(
        compiler: String? = nil, swiftSDK: String? = nil, swiftSDKsPath: String? = nil,
        containerCLI: ContainerCLI = .docker, image: String? = nil, compilerOrigin: String = "--compiler"
    ) {
        self.compilerOrigin = compilerOrigin
        self.compiler = compiler
        self.swiftSDK = swiftSDK
        self.swiftSDKsPath = swiftSDKsPath
        self.containerCLI = containerCLI
        self.image = image
    }
}

/// Chooses the backend: `--compiler`, else `SWIFT_LAMBDA_COMPILER`; with
/// neither, swiftpm when the host builds the target itself, else swift-sdk
/// when an installed SDK can, else an error naming both ways. A named
/// backend that cannot build the target fails its preflight; nothing ever
/// falls back silently to another backend.
public struct BackendSelector: Sendable {
    public var toolchain: Toolchain
    public var host: HostPlatform
    public var environment: [String: String]
    public var runner: any ProcessRunning

    public init(toolchain: Toolchain, host: HostPlatform, environment: [String: String], runner: any ProcessRunning) {
        self.toolchain = toolchain
        self.host = host
        self.environment = environment
        self.runner = runner
    }

    /// The backend a name stands for, or nil when no name was given.
    public func requestedName(_ settings: CompilerSettings) throws -> CompilerName? {
        let (value, source): (String?, String) =
            settings.compiler != nil
            ? (settings.compiler, settings.compilerOrigin) : (environment["SWIFT_LAMBDA_COMPILER"], "SWIFT_LAMBDA_COMPILER")
        guard let value, !value.isEmpty else { return nil }
        return try CompilerName.parse(value, source: source)
    }

    public func backend(named name: CompilerName, settings: CompilerSettings) async throws -> any CompilerBackend {
        switch name {
        case .swiftpm:
            return SwiftPMBackend(toolchain: toolchain, host: host)
        case .swiftSDK:
            return SwiftSDKBackend(
                toolchain: toolchain, sdk: settings.swiftSDK, sdksPath: settings.swiftSDKsPath,
                toolchainVersion: try? await toolchain.version(runner: runner))
        case .docker:
            let image: String
            if let requested = settings.image {
                image = requested
            } else {
                image = DockerBackend.defaultImage(for: try await toolchain.version(runner: runner))
            }
            return DockerBackend(cli: settings.containerCLI, image: image, environment: environment, host: host)
        }
    }

    /// Picks and preflights the backend for `request` (checked before any compiling).
    public func select(_ settings: CompilerSettings, for request: BuildRequest, preflight: Bool = true) async throws -> any CompilerBackend {
        if let name = try requestedName(settings) {
            let backend = try await backend(named: name, settings: settings)
            if preflight { try await backend.preflight(request, runner: runner) }
            return backend
        }
        if host.buildsNatively(request.target) && settings.swiftSDK == nil {
            return SwiftPMBackend(toolchain: toolchain, host: host)
        }
        let sdk = try await backend(named: .swiftSDK, settings: settings)
        do {
            try await sdk.preflight(request, runner: runner)
        } catch CompilerError.swiftSDKUnavailable(_, let target, _, let install) where settings.swiftSDK == nil {
            throw CompilerError.noBackend(target, install: install)
        }
        return sdk
    }
}
