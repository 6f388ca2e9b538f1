import Archiver
import BuildPlanner
import Foundation
public import LambdaSupport

/// Skipping artifacts whose bytes would not change. An artifact's
/// fingerprint covers everything it is made of (the built binary, bundles,
/// includes and bundled libraries, each by size, modification time and
/// inode; its layout and zip settings); when it matches the last run's and
/// the written files are as that run left them, the artifact is neither
/// stripped nor zipped again and its files keep their times, so a deploy tool
/// that watches them sees no change.
struct UpToDate {
    /// What the last run wrote, per product.
    struct Record: Codable, Equatable {
        var fingerprint: String
        /// Stamp of each written file (executable, zip), by path.
        var outputs: [String: String]
        var unzippedBytes: Int64
        var zipSize: Int64?
        var zipSHA256: String?
        /// For `--output-format image`: the image as written, and the fingerprint of what its
        /// system layer holds (`ImageStep.Plan`), which the artifact's own does not cover.
        var image: ImageRecord?
    }

    struct ImageRecord: Codable, Equatable {
        var fingerprint: String
        var reference: String
        var manifestDigest: String
        var compressedSize: Int64
        var uncompressedSize: Int64

        init(_ written: WrittenImage, fingerprint: String) {
            self.fingerprint = fingerprint
            reference = written.reference
            manifestDigest = written.manifestDigest
            compressedSize = written.compressedSize
            uncompressedSize = written.uncompressedSize
        }

        /// The image as the summary and a push see it, at `path` (not yet pushed).
        func written(at path: String) -> WrittenImage {
            WrittenImage(
                path: path, reference: reference, manifestDigest: manifestDigest, compressedSize: compressedSize,
                uncompressedSize: uncompressedSize)
        }
    }

    var path: String
    var records: [String: Record]

    /// The state lives in the build directory (`.build/swift-lambda/`), one file
    /// per lambda directory, so the lambda directory holds only what is deployed.
    init(root: String, lambdaDirectory: String) {
        let key = String(ContentKey.sha256([lambdaDirectory]).prefix(16))
        path = "\(root)/.build/swift-lambda/artifacts-\(key).json"
        records = (FileManager.default.contents(atPath: path)).flatMap { try? JSONDecoder().decode([String: Record].self, from: $0) } ?? [:]
    }

    /// The record of `artifact` when it is still current, else nil.
    func current(_ artifact: PlannedArtifact, fingerprint: String) -> Record? {
        guard let record = records[artifact.product], record.fingerprint == fingerprint,
            record.outputs.allSatisfy({ FileSystem.stamp(of: $0.key) == $0.value }),
            record.outputs.keys.contains(artifact.executable), artifact.zip.map({ record.outputs.keys.contains($0.path) }) ?? true,
            artifact.image.map({ record.outputs.keys.contains($0) && record.image != nil }) ?? true
        else { return nil }
        return record
    }

    mutating func record(
        _ artifact: PlannedArtifact, fingerprint: String, zip: ZipSummary?, unzippedBytes: Int64, image: ImageRecord? = nil
    ) {
        var outputs: [String: String] = [:]
        for path in [artifact.executable] + [artifact.zip?.path, image == nil ? nil : artifact.image].compactMap({ $0 }) {
            outputs[path] = FileSystem.stamp(of: path)
        }
        records[artifact.product] = Record(
            fingerprint: fingerprint, outputs: outputs, unzippedBytes: unzippedBytes,
            zipSize: zip?.size, zipSHA256: zip.map { Data($0.sha256).base64EncodedString() }, image: image)
    }

    /// Written under a temporary name and renamed, like every artifact.
    func save() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(records) else { return }
        // A state that cannot be saved only costs the next run its shortcut.
        try? FileSystem.writeAtomically([UInt8](data), to: path)
    }

    /// `compilerArguments` are the pass-through flags (`-Xswiftc ...`): a result recorded
    /// under other flags is never reused, whatever the binary's stamp says.
    static func fingerprint(_ artifact: PlannedArtifact, zipOptions: ZipOptions, compilerArguments: [String] = []) -> String {
        let hasher = SHA256Hasher()
        func add(_ text: String) { hasher.update(text + "\n") }
        add("swift-lambda artifact v1")
        add("\(artifact)")
        // Absent when there are none, so artifacts recorded before the flags existed stay current.
        if !compilerArguments.isEmpty { add("flags \(compilerArguments.joined(separator: "\u{0}"))") }
        add("zip \(zipOptions.modificationTime) \(zipOptions.compressionLevel)")
        add("binary \(FileSystem.stamp(of: artifact.sourceBinary) ?? "missing")")
        for source in artifact.bundles.map(\.source) + artifact.includes.map(\.source) {
            TreeStamps.add(source, into: hasher)
        }
        for library in artifact.libraries {
            if case .file(let source) = library.content { add("library \(source) \(FileSystem.stamp(of: source) ?? "missing")") }
        }
        return ContentKey.hex(hasher.finalize())
    }
}

/// A tree's stamps as one hash's input: what an artifact is made of for `UpToDate`, and what a
/// function's written files are for `watch`, which keeps an environment whose files are unchanged.
public enum TreeStamps {
    /// Every item under `path` with its stamp, in sorted order, walked as it is shipped
    /// (`IncludeTree`: links stamped as links, never entered, so a loop ends). A top-level
    /// symlink is stamped as the link and as what it names, since that is what is shipped.
    /// A tree that cannot be shipped fingerprints as its error: packaging raises it.
    public static func add(_ path: String, into hasher: SHA256Hasher) {
        hasher.update("\(path) \(FileSystem.stamp(of: path) ?? "missing")\n")
        if FileSystem.kind(of: path) == .symlink {
            hasher.update("\(path) -> \(FileSystem.stamp(of: path, followingSymlinks: true) ?? "missing")\n")
        }
        guard FileSystem.kind(of: path, followingSymlinks: true) == .directory else { return }
        do {
            try IncludeTree.walk(path) { item in hasher.update("\(path)/\(item.path) \(item.stamp)\n") }
        } catch {
            hasher.update("error \(error)\n")
        }
    }
}
