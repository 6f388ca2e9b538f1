/// The build as the user asked for it, before it is checked against the
/// package. The CLI fills it from flags; later, configuration files too.
public struct BuildSettings: Sendable, Equatable {
    /// Package root, relative to the current directory; nil is the current directory.
    public var packagePath: String?
    public var products: [String]
    /// Relative to the current directory; nil is `target/lambda` under the package root.
    public var lambdaDirectory: String?
    public var flatten: String?
    public var release: Bool
    public var dryRun: Bool
    public var verbose: Bool

    public init(
        packagePath: String? = nil, products: [String] = [], lambdaDirectory: String? = nil,
        flatten: String? = nil, release: Bool = false, dryRun: Bool = false, verbose: Bool = false
    ) {
        self.packagePath = packagePath
        self.products = products
        self.lambdaDirectory = lambdaDirectory
        self.flatten = flatten
        self.release = release
        self.dryRun = dryRun
        self.verbose = verbose
    }
}
