public import BuildPlanner
import LambdaSupport

/// Why an artifact could not be written.
public enum ArtifactError: Error, Sendable, Equatable {
    case bundleMissing(name: String, expectedAt: String)
    case binaryMissing(product: String, expectedAt: String)
}

extension ArtifactError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .bundleMissing(let name, let path):
            return "the build did not produce the resource bundle \(name) (expected at \(path)); rebuild, or check the target's resources in Package.swift"
        case .binaryMissing(let product, let path):
            return "the build did not produce the binary of '\(product)' (expected at \(path)); check the build output above"
        }
    }
}

/// Places a planned artifact on disk. Everything is staged under temporary
/// names beside its destination and committed by rename only once complete,
/// so a failure or interruption leaves the previous artifact whole.
public enum ArtifactWriter {
    /// Writes `artifact`; `placeExecutable` writes the executable (a copy,
    /// or a stripped copy) to the path it is given.
    public static func write(
        _ artifact: PlannedArtifact,
        placeExecutable: (_ destination: String) async throws -> Void
    ) async throws {
        guard FileSystem.kind(of: artifact.sourceBinary) == .file else {
            throw ArtifactError.binaryMissing(product: artifact.product, expectedAt: artifact.sourceBinary)
        }
        for bundle in artifact.bundles where !FileSystem.isDirectory(bundle.source) {
            throw ArtifactError.bundleMissing(name: bundle.name, expectedAt: bundle.source)
        }

        if let owned = artifact.ownedDirectory {
            // The artifact owns its directory: build a complete new one and swap it in.
            let staged = FileSystem.stagingPath(for: owned)
            try FileSystem.prepareWritableDirectory(staged)
            do {
                try await populate(artifact, relocatedFrom: artifact.directory, to: staged, placeExecutable: placeExecutable)
                try FileSystem.commit(staged: staged, to: owned)
            } catch {
                try? FileSystem.removeItem(staged)
                throw error
            }
            return
        }

        // Shared directory (flattened, extensions): stage each item, then commit them all.
        try FileSystem.prepareWritableDirectory(artifact.directory)
        var staged: [(staged: String, destination: String)] = []
        do {
            let executable = FileSystem.stagingPath(for: artifact.executable)
            staged.append((executable, artifact.executable))
            try await placeExecutable(executable)
            try makeExecutable(executable)
            for bundle in artifact.bundles {
                let path = FileSystem.stagingPath(for: bundle.destination)
                staged.append((path, bundle.destination))
                try FileSystem.copyTree(from: bundle.source, to: path)
            }
            for item in staged { try FileSystem.commit(staged: item.staged, to: item.destination) }
        } catch {
            for item in staged { try? FileSystem.removeItem(item.staged) }
            throw error
        }
    }

    private static func populate(
        _ artifact: PlannedArtifact, relocatedFrom directory: String, to staged: String,
        placeExecutable: (String) async throws -> Void
    ) async throws {
        let relocate = { (path: String) in staged + path.dropFirst(directory.count) }
        let executable = relocate(artifact.executable)
        try await placeExecutable(executable)
        try makeExecutable(executable)
        for bundle in artifact.bundles {
            try FileSystem.copyTree(from: bundle.source, to: relocate(bundle.destination))
        }
    }

    /// Lambda needs the entry point world-readable and executable (0755).
    private static func makeExecutable(_ path: String) throws {
        try FileSystem.setPermissions(0o755, of: path)
    }
}
