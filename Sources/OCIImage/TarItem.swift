import Archiver
import Foundation

/// One entry as the tar stream writes it: a `LayerEntry` after `LayerEntry.tree`, or one of
/// image.tar's own files, whose bytes (index.json, a manifest) may be in memory.
struct TarItem {
    enum Content {
        case file(source: String)
        case bytes([UInt8])
        case directory
        case symlink(target: String)
    }

    var path: String
    var content: Content
    var mode: UInt32

    init(path: String, content: Content, mode: UInt32) {
        self.path = path
        self.content = content
        self.mode = mode
    }

    init(_ entry: LayerEntry) {
        path = entry.path
        mode = entry.mode
        switch entry.kind {
        case .file(let source): content = .file(source: source)
        case .directory: content = .directory
        case .symlink(let target): content = .symlink(target: target)
        }
    }

    /// Files are read and handed to libarchive this many bytes at a time.
    static let chunkSize = 1 << 20

    /// Writes `items`, in the order given, with `modificationTime` on every one.
    static func write(_ items: [TarItem], to stream: LibArchiveTarStream, modificationTime: Int64) throws {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        for item in items {
            switch item.content {
            case .file(let source):
                try writeFile(item, from: source, to: stream, through: chunk, modificationTime: modificationTime)
            case .bytes(let bytes):
                try stream.beginEntry(
                    item.path, kind: .file(size: Int64(bytes.count)), mode: item.mode,
                    modificationTime: modificationTime)
                try bytes.withUnsafeBytes { try stream.write($0, entry: item.path) }
                try stream.finishEntry(item.path)
            case .directory:
                try stream.beginEntry(item.path, kind: .directory, mode: item.mode, modificationTime: modificationTime)
                try stream.finishEntry(item.path)
            case .symlink(let target):
                try stream.beginEntry(
                    item.path, kind: .symlink(target: target), mode: item.mode,
                    modificationTime: modificationTime)
                try stream.finishEntry(item.path)
            }
        }
    }

    /// Streams one file (`SourceFileStream`: its size is taken when it is opened); its errors are
    /// `ArchiverError`s, mapped to `OCIImageError` by the writers (`mappingArchiverErrors`).
    private static func writeFile(
        _ item: TarItem, from source: String, to stream: LibArchiveTarStream,
        through chunk: UnsafeMutableRawBufferPointer, modificationTime: Int64
    ) throws {
        try SourceFileStream.copy(
            source, entry: item.path, through: chunk,
            begin: {
                try stream.beginEntry(
                    item.path, kind: .file(size: $0), mode: item.mode, modificationTime: modificationTime)
            },
            write: { try stream.write($0, entry: item.path) })
        try stream.finishEntry(item.path)
    }
}
