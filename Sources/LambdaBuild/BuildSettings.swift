public import BuildPlanner
public import Compilers

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
    public var outputFormat: OutputFormat
    /// Build extensions (`--extension`), run inside the function's process with `internal`.
    public var isExtension: Bool
    public var isInternal: Bool
    /// `[DEST:]PATH` as given.
    public var includes: [String]
    /// `--arm64`, `--x86-64`, `--target TRIPLE`: at most one.
    public var arm64: Bool
    public var x86_64: Bool
    public var targetTriple: String?
    public var compiler: CompilerSettings
    /// `--disable-optimizations`: release builds without the size flags.
    public var disableOptimizations: Bool
    /// The Lambda runtime the artifacts are checked against.
    public var runtime: String
    /// Report failed readiness checks as warnings and write the artifacts anyway.
    public var skipChecks: Bool
    /// Ship the shared libraries the runtime lacks in the artifact's `lib/`.
    public var bundleLibs: Bool
    /// `--glibc-compat` (true), `--no-glibc-compat` (false), or neither (nil: on for
    /// glibc builds on this machine when its libraries are newer than the runtime's).
    public var glibcCompat: Bool?
    /// `--output-format image`: the tag, the registry and the system layer's extras.
    public var image: ImageSettings

    public init(
        packagePath: String? = nil, products: [String] = [], lambdaDirectory: String? = nil,
        flatten: String? = nil, release: Bool = false, dryRun: Bool = false, verbose: Bool = false,
        outputFormat: OutputFormat = .binary, isExtension: Bool = false, isInternal: Bool = false,
        includes: [String] = [], arm64: Bool = false, x86_64: Bool = false, targetTriple: String? = nil,
        compiler: CompilerSettings = CompilerSettings(), disableOptimizations: Bool = false,
        runtime: String = "provided.al2023", skipChecks: Bool = false, bundleLibs: Bool = false,
        glibcCompat: Bool? = nil, image: ImageSettings = ImageSettings()
    ) {
        self.image = image
        self.glibcCompat = glibcCompat
        self.bundleLibs = bundleLibs
        self.runtime = runtime
        self.skipChecks = skipChecks
        self.arm64 = arm64
        self.x86_64 = x86_64
        self.targetTriple = targetTriple
        self.compiler = compiler
        self.disableOptimizations = disableOptimizations
        self.outputFormat = outputFormat
        self.isExtension = isExtension
        self.isInternal = isInternal
        self.includes = includes
        self.packagePath = packagePath
        self.products = products
        self.lambdaDirectory = lambdaDirectory
        self.flatten = flatten
        self.release = release
        self.dryRun = dryRun
        self.verbose = verbose
    }
}

/// What `--output-format image` needs beyond the layout: the tag every image gets, where it is
/// pushed (`--push REGISTRY[/NAMESPACE]`, nil for none), whether plain HTTP is allowed to a
/// registry that is not loopback, and whether the build host's CA bundle goes into the image.
public struct ImageSettings: Sendable, Equatable {
    public var tag: String
    public var push: String?
    public var insecureRegistry: Bool
    public var caCertificates: Bool

    public init(tag: String = "latest", push: String? = nil, insecureRegistry: Bool = false, caCertificates: Bool = true) {
        self.tag = tag
        self.push = push
        self.insecureRegistry = insecureRegistry
        self.caCertificates = caCertificates
    }
}
