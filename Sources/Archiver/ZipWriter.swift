import Foundation

/// Writes Lambda deployment zips through libarchive.
///
/// The same entries and options always give the same bytes, on any machine and in any time zone:
/// entries are sorted, every entry gets `options.modificationTime`, uid/gid 0 and a normalised mode
/// (0755 executables and directories, 0644 other files, 0777 symlinks), and nothing of the input
/// files' own metadata is stored. Lambda runs `bootstrap` only if its Unix mode in the zip has the
/// execute bits, which is why the mode comes from the entry and not from the file system.
public enum ZipWriter {
    /// Files are read and handed to libarchive this many bytes at a time, so memory use does not
    /// grow with the size of the inputs.
    static let chunkSize = 1 << 20

    /// Validates `entries` (see `ArchiverError` for what is refused), writes them sorted by path to
    /// a temporary file next to `destination`, renames it into place and returns its size and
    /// SHA-256. On any error the temporary file is removed and an existing `destination` is left
    /// as it was.
    @discardableResult
    public static func write(_ entries: [ArchiveEntry], to destination: String, options: ZipOptions) throws
        -> ZipSummary
    {
        try options.validate()
        let ordered = try validated(entries)
        let output = try AtomicOutputFile.createTemporary(for: destination, noun: "zip")
        do {
            try writeArchive(ordered, into: output, options: options)
            let digest = try output.sha256()
            let size = output.position
            try output.commit(to: destination)
            return ZipSummary(path: destination, size: size, sha256: digest)
        } catch {
            output.discard()
            throw error
        }
    }

    private static func writeArchive(
        _ entries: [ArchiveEntry], into output: AtomicOutputFile, options: ZipOptions
    ) throws {
        let stream = try LibArchiveZipStream(output: output, compressionLevel: options.compressionLevel)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }

        for entry in entries {
            switch entry.kind {
            case .file(let source, _):
                try writeFile(entry, from: source, to: stream, through: chunk, options: options)
            case .directory, .symlink:
                try stream.beginEntry(entry, size: 0, modificationTime: options.modificationTime)
                try stream.finishEntry(entry.storedName)
            }
        }
        try stream.close()
        try ZipDOSTimestamp.rewrite(
            in: output,
            localHeaderOffsets: stream.localHeaderOffsets,
            centralDirectoryOffset: stream.centralDirectoryOffset,
            modificationTime: options.modificationTime
        )
    }

    /// Streams one file (`SourceFileStream`: its size is taken when it is opened).
    private static func writeFile(
        _ entry: ArchiveEntry, from source: String, to stream: LibArchiveZipStream,
        through chunk: UnsafeMutableRawBufferPointer, options: ZipOptions
    ) throws {
        try SourceFileStream.copy(
            source, entry: entry.normalizedPath, through: chunk,
            begin: { try stream.beginEntry(entry, size: $0, modificationTime: options.modificationTime) },
            write: { try stream.write($0, entry: entry.storedName) })
        try stream.finishEntry(entry.storedName)
    }
}
