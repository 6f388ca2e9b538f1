import Foundation
import LambdaSupport

/// The temporary file a blob or an archive is written to, next to its destination
/// (`.<name>.tmp-<random>`), then renamed into place (`commit`) or removed (`discard`), so the
/// final name never holds half a file. Bytes are buffered (1 MiB), counted and hashed as they
/// are written, so the digest costs no second read.
final class BlobFile {
    let temporaryPath: String
    private var descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0
    private let hasher = SHA256Hasher()
    private var parkedError: (any Error)?
    private var committed = false

    /// Bytes accepted so far.
    private(set) var size: Int64 = 0

    private init(temporaryPath: String, descriptor: Int32) {
        self.temporaryPath = temporaryPath
        self.descriptor = descriptor
        self.buffer = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit {
        discard()
        buffer.deallocate()
    }

    static func createTemporary(for destination: String) throws -> BlobFile {
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { String(destination[...$0]) } ?? ""
        let name = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        guard !name.isEmpty, name != ".", name != ".." else {
            throw OCIImageError.fileSystem(operation: "write a file to", path: destination, errno: EISDIR)
        }
        while true {
            let candidate = "\(directory).\(name).tmp-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return BlobFile(temporaryPath: candidate, descriptor: descriptor) }
            guard errno == EEXIST else {
                throw OCIImageError.fileSystem(operation: "create the temporary file", path: candidate, errno: errno)
            }
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
        if buffered + bytes.count > buffer.count { try flush() }
        if bytes.count >= buffer.count {
            try writeAll(bytes)
        } else {
            UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<buffered + bytes.count]).copyMemory(from: bytes)
            buffered += bytes.count
        }
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Keeps an error raised inside a C callback until the caller can throw it.
    func park(_ error: any Error) {
        if parkedError == nil { parkedError = error }
    }

    func takePendingError() -> (any Error)? {
        defer { parkedError = nil }
        return parkedError
    }

    /// The digest of every byte appended; call once, when the content is complete.
    func finalizeDigest() -> Digest {
        Digest(sha256: hasher.finalize())
    }

    /// Closes the file and renames it over `destination` (atomic on one file system).
    func commit(to destination: String) throws {
        try flush()
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else {
            throw OCIImageError.fileSystem(operation: "close", path: temporaryPath, errno: errno)
        }
        guard rename(temporaryPath, destination) == 0 else {
            throw OCIImageError.fileSystem(operation: "rename into place", path: destination, errno: errno)
        }
        committed = true
    }

    /// Closes and removes the temporary file; every failure path ends here (and `deinit` does too).
    func discard() {
        if descriptor >= 0 {
            _ = close(descriptor)
            descriptor = -1
        }
        buffered = 0
        if !committed {
            _ = unlink(temporaryPath)
            committed = true
        }
    }

    private func flush() throws {
        guard buffered > 0 else { return }
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]))
        buffered = 0
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0, let base = bytes.baseAddress else {
            if bytes.isEmpty { return }
            throw OCIImageError.fileSystem(operation: "write", path: temporaryPath, errno: EBADF)
        }
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OCIImageError.fileSystem(operation: "write", path: temporaryPath, errno: errno)
            }
            offset += written
        }
    }
}
