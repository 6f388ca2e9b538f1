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

    /// Streams one file: its size is taken when it is opened and must not change until it is read.
    private static func writeFile(
        _ item: TarItem, from source: String, to stream: LibArchiveTarStream,
        through chunk: UnsafeMutableRawBufferPointer, modificationTime: Int64
    ) throws {
        let descriptor = open(source, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw OCIImageError.missingSource(entry: item.path, source: source) }
            throw OCIImageError.fileSystem(operation: "open", path: source, errno: code)
        }
        defer { _ = close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw OCIImageError.fileSystem(operation: "stat", path: source, errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw OCIImageError.sourceNotRegularFile(entry: item.path, source: source)
        }
        let size = Int64(status.st_size)
        try stream.beginEntry(item.path, kind: .file(size: size), mode: item.mode, modificationTime: modificationTime)
        var total: Int64 = 0
        while true {
            let got = read(descriptor, chunk.baseAddress, chunk.count)
            if got < 0 {
                if errno == EINTR { continue }
                throw OCIImageError.fileSystem(operation: "read", path: source, errno: errno)
            }
            if got == 0 { break }
            total += Int64(got)
            guard total <= size else { break }
            try stream.write(UnsafeRawBufferPointer(rebasing: chunk[0..<got]), entry: item.path)
        }
        guard total == size else {
            throw OCIImageError.sourceChanged(entry: item.path, source: source, expectedSize: size)
        }
        try stream.finishEntry(item.path)
    }
}
