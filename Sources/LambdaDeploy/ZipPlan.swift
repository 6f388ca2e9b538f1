import Archiver
import BuildPlanner
import LambdaSupport

/// How one artifact's zip is obtained: the zip `build` wrote, or the plan `build` would have
/// zipped, rebuilt from what it wrote on disk and handed to `build`'s own writer
/// (`ArtifactWriter.writeZip`), so the bytes are those of `--output-format zip`.
enum ZipPlan {
    case written(zip: String)
    case rebuilt(PlannedArtifact)

    init(for artifact: DeployableArtifact, in lambdaDirectory: String) throws {
        switch artifact.source {
        case .zip(let path, _):
            self = .written(zip: path)
        case .directory(let root):
            self = .rebuilt(Self.function(artifact.name, directory: root))
        case .executable(let path):
            self = .rebuilt(try Self.extension(artifact.name, executable: path, in: lambdaDirectory))
        case .flattenedWithoutZip(let executable):
            throw DeployArtifactError.flattenedWithoutZip(name: artifact.name, executable: executable)
        }
    }

    /// A function directory as `build` planned it: `bootstrap`, and every other item at the
    /// root as a part placed there (but `image.tar`, which `--output-format image` writes there
    /// and no zip holds). Bundles, includes and `lib/` all sit at the root of a
    /// function (a bundle beside `bootstrap` is at the root too), and each part's entries are
    /// its tree walked as build walks an include, so the entries are the ones build zipped.
    static func function(_ name: String, directory root: String) -> PlannedArtifact {
        let items = ((try? FileSystem.contentsOfDirectory(root)) ?? []).filter { item in
            item != ArtifactLayout.function.executable && item != zipName && item != imageName && !Staging.isStaged(item)
        }
        return PlannedArtifact(
            product: name, kind: .function, sourceBinary: "\(root)/\(ArtifactLayout.function.executable)",
            stripsSymbols: false,
            targets: [], root: root, ownsRoot: true, layout: .function, bundles: [],
            includes: items.map { IncludeSpec(destination: $0, source: "\(root)/\($0)") },
            zip: PlannedZip(path: "\(root)/\(zipName)", layout: .function))
    }

    /// An extension built without a zip, as `build` would zip an external extension with no
    /// bundles, includes or libraries. The layer root is shared by every extension (and a
    /// flattened function), so a resource bundle beside it or a `lib/` could be its own: then
    /// it is refused rather than uploaded without them. Includes at the layer root cannot be
    /// told from anything else there; an extension that has some, or runs inside the function
    /// (`internal`), must be built with a zip.
    static func `extension`(_ name: String, executable: String, in lambdaDirectory: String) throws -> PlannedArtifact {
        let directory = FileSystem.parent(of: executable)
        let bundles = ((try? FileSystem.contentsOfDirectory(directory)) ?? []).filter { $0.hasSuffix(".resources") }
            .map { "\(DeployArtifacts.extensionsDirectory)/\($0)" }
        let libraries =
            FileSystem.exists("\(lambdaDirectory)/\(ArtifactLayout.libraryDirectory)")
            ? [ArtifactLayout.libraryDirectory + "/"] : []
        guard bundles.isEmpty && libraries.isEmpty else {
            throw DeployArtifactError.extensionPartsUnknown(name: name, candidates: bundles + libraries)
        }
        let relative = "\(DeployArtifacts.extensionsDirectory)/\(name)"
        return PlannedArtifact(
            product: name, kind: .extension(internal: false), sourceBinary: executable, stripsSymbols: false,
            targets: [],
            root: lambdaDirectory, ownsRoot: false, layout: ArtifactLayout(executable: relative), bundles: [],
            includes: [],
            zip: PlannedZip(path: "\(lambdaDirectory)/\(relative).zip", layout: .extensionZip(name, internal: false)))
    }

    /// The bytes the zip unpacks to.
    func unzippedBytes() throws -> Int64 {
        switch self {
        case .written(let zip):
            return try ZipReader.entries(of: zip).filter { $0.kind == .file }.reduce(0) { $0 + $1.size }
        case .rebuilt(let artifact):
            return try ArtifactContents.resolve(
                artifact, executableSource: artifact.sourceBinary, currentDirectory: artifact.root
            )
            .unzippedBytes()
        }
    }

    /// The zip to upload, and whether it was made here (under a staging name in the lambda
    /// directory, which `build` sweeps when this run is gone and an interrupt removes).
    func zip(in lambdaDirectory: String, options: ZipOptions) throws -> (ZipSummary, isTemporary: Bool) {
        switch self {
        case .written(let zip):
            return (try ZipSummary.reading(zip), false)
        case .rebuilt(let artifact):
            let destination = FileSystem.stagingPath(for: "\(lambdaDirectory)/\(artifact.product).zip")
            let written = try ArtifactWriter.writeZip(
                of: artifact, executableSource: artifact.sourceBinary, currentDirectory: artifact.root, to: destination,
                options: options)
            return (written.zip, true)
        }
    }

    static let zipName = "bootstrap.zip"
    static let imageName = "image.tar"
}
