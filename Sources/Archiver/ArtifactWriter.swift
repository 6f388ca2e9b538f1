public import BuildPlanner
import LambdaSupport

/// Why an artifact could not be written.
public enum ArtifactError: Error, Sendable, Equatable {
    case bundleMissing(name: String, expectedAt: String)
    case binaryMissing(product: String, expectedAt: String)
    /// The staged item could not replace `destination`; the staged copy was removed.
    case commitFailed(destination: String, reason: String)
}

extension ArtifactError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .bundleMissing(let name, let path):
            return "the build did not produce the resource bundle \(name) (expected at \(path)); rebuild, or check the target's resources in Package.swift"
        case .binaryMissing(let product, let path):
            return "the build did not produce the binary of '\(product)' (expected at \(path)); check the build output above"
        case .commitFailed(let destination, let reason):
            return "could not move the new \(destination) into place (\(reason)), so the previous one is unchanged and the staged copy was removed; make it replaceable (check its and its directory's permissions, and `lsattr -d` for the immutable attribute, cleared with `chattr -i`), then build again"
        }
    }
}

/// An artifact written under temporary names, waiting to be moved into
/// place. Staging every artifact of a run before committing any means a
/// failure anywhere leaves every previous artifact as it was.
public struct StagedArtifact: Sendable {
    public var artifact: PlannedArtifact
    /// The zip as it will be once committed (its path is the final one).
    public var zip: ZipSummary?
    /// The staged executable, for checks before the commit.
    public var stagedExecutable: String = ""
    /// What the artifact unpacks to: every file of its parts.
    public var unzippedBytes: Int64 = 0
    /// Staged items and where they go, committed in order.
    var moves: [(staged: String, destination: String)]

    /// An artifact with nothing staged yet.
    public init(artifact: PlannedArtifact, zip: ZipSummary?) {
        self.artifact = artifact
        self.zip = zip
        self.moves = []
    }

    /// A temporary name for one more file of the artifact (`image.tar`), committed with the rest:
    /// inside the staged copy of a root the artifact owns, else beside the file's destination.
    public mutating func stageFile(_ destination: String) throws -> String {
        if artifact.ownsRoot, let root = moves.first(where: { $0.destination == artifact.root })?.staged {
            let path = root + "/" + relativePath(of: destination, under: artifact.root)
            try FileSystem.prepareWritableDirectory(FileSystem.parent(of: path))
            return path
        }
        try FileSystem.prepareWritableDirectory(FileSystem.parent(of: destination))
        let path = FileSystem.stagingPath(for: destination)
        moves.append((path, destination))
        return path
    }

    /// Moves everything into place (files by rename, directories swapped).
    /// A move that fails removes its staged item and those after it (a directory swap that the
    /// destination refuses would otherwise leave a hidden full copy behind).
    public func commit() throws {
        for (index, move) in moves.enumerated() {
            do {
                try FileSystem.commit(staged: move.staged, to: move.destination)
            } catch {
                for rest in moves[index...] { try? FileSystem.removeItem(rest.staged) }
                let reason: String
                if case FileSystemError.operationFailed(_, _, let why) = error { reason = why } else { reason = "\(error)" }
                throw ArtifactError.commitFailed(destination: move.destination, reason: reason)
            }
        }
    }

    /// Removes what was staged and not committed.
    public func discard() {
        for move in moves { try? FileSystem.removeItem(move.staged) }
    }
}

/// Places a planned artifact on disk: the executable (stripped or copied by
/// the caller), its bundles and includes, and its zip when one is planned.
public enum ArtifactWriter {
    public static func stage(
        _ artifact: PlannedArtifact,
        currentDirectory: String,
        zipOptions: ZipOptions,
        placeExecutable: (_ destination: String) async throws -> Void
    ) async throws -> StagedArtifact {
        guard FileSystem.kind(of: artifact.sourceBinary) == .file else {
            throw ArtifactError.binaryMissing(product: artifact.product, expectedAt: artifact.sourceBinary)
        }
        for bundle in artifact.bundles where !FileSystem.isDirectory(bundle.source) {
            throw ArtifactError.bundleMissing(name: bundle.name, expectedAt: bundle.source)
        }
        // Includes are resolved (and rejected) before anything is written.
        var contents = try ArtifactContents.resolve(
            artifact, executableSource: artifact.sourceBinary, currentDirectory: currentDirectory)

        var staged = StagedArtifact(artifact: artifact, zip: nil)
        do {
            // Where each part is built: inside one staged copy of an owned
            // root, or beside its own destination in a shared root.
            let stagedRoot: String?
            if artifact.ownsRoot {
                let root = FileSystem.stagingPath(for: artifact.root)
                try FileSystem.prepareWritableDirectory(root)
                try FileSystem.setPermissions(0o755, of: root)
                staged.moves.append((root, artifact.root))
                stagedRoot = root
            } else {
                stagedRoot = nil
            }
            func stagingLocation(for relative: String) throws -> String {
                if let stagedRoot {
                    let path = "\(stagedRoot)/\(relative)"
                    try FileSystem.prepareWritableDirectory(FileSystem.parent(of: path))
                    return path
                }
                let destination = "\(artifact.root)/\(relative)"
                try FileSystem.prepareWritableDirectory(FileSystem.parent(of: destination))
                let path = FileSystem.stagingPath(for: destination)
                staged.moves.append((path, destination))
                return path
            }

            let executable = try stagingLocation(for: artifact.layout.executable)
            try await placeExecutable(executable)
            try FileSystem.setPermissions(0o755, of: executable)
            staged.stagedExecutable = executable
            contents.executable.entries = [.file(artifact.layout.executable, source: executable, executable: true)]
            for part in contents.bundles + contents.includes + contents.libraries {
                try materialize(part, at: try stagingLocation(for: part.path))
            }
            staged.unzippedBytes = try contents.unzippedBytes()
            if let zip = artifact.zip {
                let relative = relativePath(of: zip.path, under: artifact.root)
                let location = try stagingLocation(for: relative)
                let summary = try contents.writeZip(for: artifact, layout: zip.layout, to: location, options: zipOptions)
                staged.zip = ZipSummary(path: zip.path, size: summary.size, sha256: summary.sha256)
            }
        } catch {
            staged.discard()
            throw error
        }
        return staged
    }

    /// The zip `stage` would write for `artifact` (in `artifact.zip`'s layout), made from its parts
    /// as they are on disk now: `executableSource` is the executable's bytes (a built directory's
    /// own `bootstrap`). `deploy` zips an artifact built without a zip through this, so what it
    /// uploads is, byte for byte, what `--output-format zip` writes. Returns the zip and what it
    /// unpacks to.
    public static func writeZip(
        of artifact: PlannedArtifact, executableSource: String, currentDirectory: String, to destination: String,
        options: ZipOptions
    ) throws -> (zip: ZipSummary, unzippedBytes: Int64) {
        let layout = artifact.zip?.layout ?? artifact.layout
        let contents = try ArtifactContents.resolve(artifact, executableSource: executableSource, currentDirectory: currentDirectory)
        let unzipped = try contents.unzippedBytes()
        return (try contents.writeZip(for: artifact, layout: layout, to: destination, options: options), unzipped)
    }

    /// Writes a part's entries under `location` (which stands for the part's path).
    static func materialize(_ part: ArtifactContents.Part, at location: String) throws {
        for entry in part.entries {
            let path = location + entry.path.dropFirst(part.path.count)
            switch entry.kind {
            case .directory:
                try FileSystem.prepareWritableDirectory(path)
                try FileSystem.setPermissions(0o755, of: path)
            case .file(let source, let executable):
                try FileSystem.copyFile(from: source, to: path, mode: executable ? 0o755 : 0o644)
            case .symlink(let target):
                try FileSystem.createSymlink(at: path, pointingTo: target)
            }
        }
    }
}
