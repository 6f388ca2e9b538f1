/// The build configuration SwiftPM is asked for.
public enum BuildConfiguration: String, Sendable, Equatable, CaseIterable {
    case debug
    case release
}

/// What an artifact is on Lambda.
public enum ArtifactKind: Sendable, Equatable {
    /// A function: the binary is the custom runtime, `bootstrap`.
    case function
    /// An external extension, run from `/opt/extensions/<name>`, or with
    /// `internal` an extension that runs inside the function's process.
    case `extension`(internal: Bool)
}

/// What each artifact is written as.
public enum OutputFormat: String, Sendable, Equatable, CaseIterable {
    /// The executable (and bundles, includes) in a directory ready to deploy.
    case binary
    /// The same directory plus a deterministic zip of the Lambda layout.
    case zip
}

/// Everything the planner needs to know about the request; already
/// validated for shape by the CLI, checked against the package here.
public struct PlanOptions: Sendable, Equatable {
    /// Products to build; empty means every executable product.
    public var products: [String]
    /// The product whose files go straight into the lambda directory.
    public var flatten: String?
    public var configuration: BuildConfiguration
    /// Absolute path of the directory artifacts are written under.
    public var lambdaDirectory: String
    public var kind: ArtifactKind
    public var outputFormat: OutputFormat
    /// Shipped with every artifact of the run.
    public var includes: [IncludeSpec]
    /// Release optimizations (stripping); off with `--disable-optimizations`.
    public var optimizations: Bool

    public init(
        products: [String] = [],
        flatten: String? = nil,
        configuration: BuildConfiguration = .debug,
        lambdaDirectory: String,
        kind: ArtifactKind = .function,
        outputFormat: OutputFormat = .binary,
        includes: [IncludeSpec] = [],
        optimizations: Bool = true
    ) {
        self.optimizations = optimizations
        self.products = products
        self.flatten = flatten
        self.configuration = configuration
        self.lambdaDirectory = lambdaDirectory
        self.kind = kind
        self.outputFormat = outputFormat
        self.includes = includes
    }

    /// Optimized release builds strip the bootstrap (the binary in `.build`
    /// is kept whole either way).
    public var stripsSymbols: Bool { configuration == .release && optimizations }
}
