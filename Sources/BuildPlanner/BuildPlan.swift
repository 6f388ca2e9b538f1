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

    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
}

/// Where an artifact's parts go, relative to a root (a directory on disk,
/// or the root of a zip). Bundles go beside the executable, because
/// SwiftPM's accessor looks for them there; includes go under the root.
public struct ArtifactLayout: Sendable, Equatable {
    /// `bootstrap`, `extensions/<name>`, or `<name>`.
    public var executable: String
    /// Directories listed explicitly (a layer zip needs `extensions/`).
    public var directories: [String]

    public init(executable: String, directories: [String] = []) {
        self.executable = executable
        self.directories = directories
    }

    /// The directory holding the executable, "" for the root.
    public var executableDirectory: String {
        executable.lastIndex(of: "/").map { String(executable[..<$0]) } ?? ""
    }

    /// Where shared libraries go (`--bundle-libs`): `lib/` at the root, which is
    /// `/var/task/lib` for a function and `/opt/lib` for a layer, both on
    /// Lambda's `LD_LIBRARY_PATH`, so no rpath is needed.
    public static let libraryDirectory = "lib"

    /// A function's layout, on disk and in its zip: the custom runtime is `bootstrap` at the root.
    public static let function = ArtifactLayout(executable: "bootstrap")

    /// An extension's layer zip: `extensions/<name>` with an explicit `extensions/` entry (what
    /// Lambda runs from `/opt/extensions`), or `<name>` at the root when it runs inside the
    /// function's process. Shared by the planner and by `deploy`, which zips a binary-only
    /// extension as `build --output-format zip` would have.
    public static func extensionZip(_ name: String, internal isInternal: Bool) -> ArtifactLayout {
        isInternal ? ArtifactLayout(executable: name) : ArtifactLayout(executable: "extensions/\(name)", directories: ["extensions"])
    }

    /// Where a bundle goes: beside the executable.
    public func bundlePath(_ bundle: PlannedBundle) -> String {
        executableDirectory.isEmpty ? bundle.name : "\(executableDirectory)/\(bundle.name)"
    }
}

/// The zip written for an artifact.
public struct PlannedZip: Sendable, Equatable {
    public var path: String
    public var layout: ArtifactLayout

    public init(path: String, layout: ArtifactLayout) {
        self.path = path
        self.layout = layout
    }
}

/// One Lambda artifact: a product's binary, renamed and placed with its
/// bundles and includes in a directory, and optionally zipped.
public struct PlannedArtifact: Sendable, Equatable {
    public var product: String
    public var kind: ArtifactKind
    /// The binary SwiftPM produced.
    public var sourceBinary: String
    public var stripsSymbols: Bool
    /// The targets whose code the product contains, for explanation.
    public var targets: [String]
    /// The directory the on-disk layout is rooted at.
    public var root: String
    /// True when the artifact owns `root` and replaces it whole; false when
    /// `root` is shared (flattened, extensions) and only its own items are replaced.
    public var ownsRoot: Bool
    public var layout: ArtifactLayout
    public var bundles: [PlannedBundle]
    public var includes: [IncludeSpec]
    public var zip: PlannedZip?
    /// `--output-format image`: where the OCI image archive goes (`<root>/image.tar`).
    public var image: String?
    /// The shared libraries shipped in `lib/`; known only once the binary is
    /// built, so the planner leaves it empty and `--bundle-libs` fills it.
    public var libraries: [LibraryEntry]

    public init(
        product: String, kind: ArtifactKind, sourceBinary: String, stripsSymbols: Bool, targets: [String],
        root: String, ownsRoot: Bool, layout: ArtifactLayout, bundles: [PlannedBundle],
        includes: [IncludeSpec], zip: PlannedZip?, image: String? = nil, libraries: [LibraryEntry] = []
    ) {
        self.image = image
        self.libraries = libraries
        self.product = product
        self.kind = kind
        self.sourceBinary = sourceBinary
        self.stripsSymbols = stripsSymbols
        self.targets = targets
        self.root = root
        self.ownsRoot = ownsRoot
        self.layout = layout
        self.bundles = bundles
        self.includes = includes
        self.zip = zip
    }

    /// The absolute path of the executable on disk.
    public var executable: String { "\(root)/\(layout.executable)" }
}

/// One item of an artifact's `lib/` directory.
public struct LibraryEntry: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case file(source: String)
        case symlink(target: String)
    }

    public var name: String
    public var content: Content

    public init(name: String, content: Content) {
        self.name = name
        self.content = content
    }
}
