/// The result of planning: what to compile and, for every artifact, where
/// each file comes from and goes to. A plain value, so tests check the
/// decisions without a compiler and `--dry-run` prints them.
public struct BuildPlan: Sendable, Equatable {
    /// The package being built.
    public var packageName: String
    public var packagePath: String
    public var configuration: BuildConfiguration
    /// One entry per compiler run; `nil` builds every product in one run.
    public var builds: [PlannedBuild]
    /// Sorted by product name.
    public var artifacts: [PlannedArtifact]

    public init(
        packageName: String, packagePath: String, configuration: BuildConfiguration,
        builds: [PlannedBuild], artifacts: [PlannedArtifact]
    ) {
        self.packageName = packageName
        self.packagePath = packagePath
        self.configuration = configuration
        self.builds = builds
        self.artifacts = artifacts
    }
}

/// One compiler run: a single product, or everything (`product == nil`).
public struct PlannedBuild: Sendable, Equatable {
    public var product: String?

    public init(product: String?) {
        self.product = product
    }
}

/// A SwiftPM resource bundle (`<Package>_<Target>.resources`) to ship.
public struct PlannedBundle: Sendable, Equatable {
    public var name: String
    /// The bundle as SwiftPM wrote it, in the binary directory.
    public var source: String
    /// Where it goes: beside the artifact's executable.
    public var destination: String

    public init(name: String, source: String, destination: String) {
        self.name = name
        self.source = source
        self.destination = destination
    }
}

/// One Lambda artifact: a product's binary, renamed and placed.
public struct PlannedArtifact: Sendable, Equatable {
    public var product: String
    public var kind: ArtifactKind
    /// The binary SwiftPM produced.
    public var sourceBinary: String
    /// Where the executable goes (`.../<product>/bootstrap`, `.../extensions/<product>`).
    public var executable: String
    /// The directory the artifact owns and replaces as a whole, or nil when
    /// it shares its directory with others (flattened) and only its own
    /// files are replaced.
    public var ownedDirectory: String?
    public var bundles: [PlannedBundle]
    public var stripsSymbols: Bool
    /// The targets whose code the product contains, for explanation.
    public var targets: [String]

    public init(
        product: String, kind: ArtifactKind, sourceBinary: String, executable: String,
        ownedDirectory: String?, bundles: [PlannedBundle], stripsSymbols: Bool, targets: [String]
    ) {
        self.product = product
        self.kind = kind
        self.sourceBinary = sourceBinary
        self.executable = executable
        self.ownedDirectory = ownedDirectory
        self.bundles = bundles
        self.stripsSymbols = stripsSymbols
        self.targets = targets
    }

    /// The directory the executable sits in.
    public var directory: String {
        String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)])
    }
}
