import Archiver

/// How layers and image.tar are written. There is no "keep the files' own times" mode: every entry
/// gets `modificationTime`, so unchanged inputs give unchanged digests and a registry or Lambda
/// sees the same image.
public struct LayerOptions: Sendable, Hashable {
    /// Seconds since 1970, stored as every entry's mtime.
    public var modificationTime: Int64
    /// gzip level, 1...9. Fixed, because the compressed bytes (and so the layer digest) depend on it.
    public var compressionLevel: Int

    /// 1980-01-01T00:00:00Z, the time a zip from the same inputs carries (`ZipOptions.dosEpoch`),
    /// so the zip and the image of one build agree.
    public static let defaultModificationTime: Int64 = ZipOptions.dosEpoch
    /// The zip writer's level (`ZipOptions.defaultCompressionLevel`, measured there on a Swift
    /// bootstrap: the fastest within 1% of Info-ZIP's size). gzip's deflate is the same zlib code.
    public static let defaultCompressionLevel = ZipOptions.defaultCompressionLevel

    public init(
        modificationTime: Int64 = LayerOptions.defaultModificationTime,
        compressionLevel: Int = LayerOptions.defaultCompressionLevel
    ) {
        self.modificationTime = modificationTime
        self.compressionLevel = compressionLevel
    }

    /// `SOURCE_DATE_EPOCH` from `environment` when set and not empty, else 1980-01-01. The value is
    /// checked as the zip writer checks it (`ZipOptions.deterministic`), so one variable cannot be
    /// valid for a zip and invalid for an image.
    public static func deterministic(
        environment: [String: String], compressionLevel: Int = LayerOptions.defaultCompressionLevel
    ) throws -> LayerOptions {
        let zip = try ZipOptions.deterministic(environment: environment)
        return LayerOptions(modificationTime: zip.modificationTime, compressionLevel: compressionLevel)
    }

    func validate() throws {
        guard (1...9).contains(compressionLevel) else { throw OCIImageError.invalidCompressionLevel(compressionLevel) }
        guard (0...Int64(UInt32.max)).contains(modificationTime) else {
            throw OCIImageError.invalidModificationTime(modificationTime)
        }
    }
}

/// A layer as written: what a manifest's descriptor and a config's `rootfs` need.
public struct LayerSummary: Sendable, Hashable {
    /// Where the gzip'd tar is.
    public var path: String
    /// SHA-256 of the gzip'd blob: its name in `blobs/sha256/` and in the manifest.
    public var digest: Digest
    /// SHA-256 of the uncompressed tar: the config's `rootfs.diff_ids`, which runtimes check
    /// after decompressing.
    public var diffID: Digest
    public var compressedSize: Int64
    public var uncompressedSize: Int64

    public init(path: String, digest: Digest, diffID: Digest, compressedSize: Int64, uncompressedSize: Int64) {
        self.path = path
        self.digest = digest
        self.diffID = diffID
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
    }
}

/// Writes one image layer: a gzip'd tar whose bytes depend only on the entries, the sources'
/// contents and the options (see `LibArchiveTarStream` for every field pinned down).
public enum LayerWriter {
    /// Validates `entries`, adds missing parent directories (0755), writes them sorted by path to a
    /// temporary file next to `destination` and renames it into place. On failure the temporary
    /// file is removed and an existing `destination` is left as it was.
    @discardableResult
    public static func write(_ entries: [LayerEntry], to destination: String, options: LayerOptions = LayerOptions())
        throws -> LayerSummary
    {
        try options.validate()
        let items = try LayerEntry.tree(entries).map(TarItem.init)
        return try OCIImageError.mappingArchiverErrors {
            let output = try AtomicOutputFile.createTemporary(for: destination, hashing: true)
            do {
                let tar = try LibArchive.withUTF8Names {
                    let stream = try LibArchiveTarStream(output: output, gzipLevel: options.compressionLevel)
                    try TarItem.write(items, to: stream, modificationTime: options.modificationTime)
                    return try stream.close()
                }
                let digest = Digest(sha256: output.finalizeDigest())
                let size = output.position
                try output.commit(to: destination)
                return LayerSummary(
                    path: destination, digest: digest, diffID: tar.diffID, compressedSize: size,
                    uncompressedSize: tar.size)
            } catch {
                output.discard()
                throw error
            }
        }
    }
}
