import Foundation

/// Streams one source file into an archive entry, chunk by chunk, so memory use does not grow
/// with the size of the inputs. The size is taken when the file is opened and must not change
/// until it is read: an archive entry declares its size in its header, before the data.
///
/// Public because OCIImage's tar stream copies layer files with the same checks; errors are
/// `ArchiverError` (`missingSource`, `sourceNotRegularFile`, `sourceChanged`, `fileSystem`),
/// which OCIImage maps to its own cases of the same names.
public enum SourceFileStream {
    /// Opens `source`, calls `begin` with its size, hands its bytes to `write` through `chunk`,
    /// and checks that exactly that many bytes were read. `entry` names the entry in errors.
    public static func copy(
        _ source: String, entry: String, through chunk: UnsafeMutableRawBufferPointer,
        begin: (_ size: Int64) throws -> Void, write: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let descriptor = open(source, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw ArchiverError.missingSource(entry: entry, source: source)
            }
            throw ArchiverError.fileSystem(operation: "open", path: source, errno: code)
        }
        defer { _ = close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ArchiverError.fileSystem(operation: "stat", path: source, errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ArchiverError.sourceNotRegularFile(entry: entry, source: source)
        }
        let size = Int64(status.st_size)
        try begin(size)

        var total: Int64 = 0
        while true {
            let got = read(descriptor, chunk.baseAddress, chunk.count)
            if got < 0 {
                if errno == EINTR { continue }
                throw ArchiverError.fileSystem(operation: "read", path: source, errno: errno)
            }
            if got == 0 { break }
            total += Int64(got)
            guard total <= size else { break }
            try write(UnsafeRawBufferPointer(rebasing: chunk[0..<got]))
        }
        guard total == size else {
            throw ArchiverError.sourceChanged(entry: entry, source: source, expectedSize: size)
        }
    }
}
