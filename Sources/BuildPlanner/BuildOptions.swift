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
    /// The same directory plus `image.tar`: an OCI image archive of the function and exactly the
    /// system files its ELF closure needs (functions only: Lambda runs no extension images).
    case image
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
    /// Per-product settings (`[functions.<product>]`) that replace the run's.
    public var overrides: [String: ProductOverrides] = [:]

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

    /// The options as they apply to `product`.
    public func applying(overridesFor product: String) -> PlanOptions {
        guard let override = overrides[product] else { return self }
        var options = self
        options.kind = override.kind ?? kind
        options.outputFormat = override.outputFormat ?? outputFormat
        options.includes = override.includes ?? includes
        return options
    }

    /// Optimized release builds strip the bootstrap (the binary in `.build`
    /// is kept whole either way).
    public var stripsSymbols: Bool { configuration == .release && optimizations }
}

/// What one product changes from the run's options; nil keeps the run's.
public struct ProductOverrides: Sendable, Equatable {
    public var kind: ArtifactKind?
    public var outputFormat: OutputFormat?
    /// The whole list for this product (already merged with the run's).
    public var includes: [IncludeSpec]?

    public init(kind: ArtifactKind? = nil, outputFormat: OutputFormat? = nil, includes: [IncludeSpec]? = nil) {
        self.kind = kind
        self.outputFormat = outputFormat
        self.includes = includes
    }
}
