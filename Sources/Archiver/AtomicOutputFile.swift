import Foundation
import LambdaSupport

/// A file written under a temporary name next to its destination (`.<name>.tmp-<random>`), then
/// either renamed into place (`commit`) or removed (`discard`, also on `deinit`), so an existing
/// destination is never seen half-written and a failure leaves nothing behind.
///
/// Writes are buffered (1 MiB) and counted: `position` is the offset of the next byte, which the
/// zip stream uses to know where each header starts. With `hashing`, every byte is also hashed as
/// it is appended (`finalizeDigest`), so a digest costs no second read; without it, `sha256()`
/// reads the file back (the zip writer patches bytes after writing them, so it hashes at the end).
///
/// Public because OCIImage writes its layers, image.tar and unpacked blobs through it: one
/// implementation of the temporary-name, buffering and rename logic for both formats. Failures
/// are `ArchiverError.fileSystem`; OCIImage maps them to its own `OCIImageError.fileSystem`.
public final class AtomicOutputFile {
    public let temporaryPath: String
    private var descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0
    private let hasher: SHA256Hasher?
    private var committed = false

    /// Bytes accepted so far: the offset the next byte will have in the file.
    public private(set) var position: Int64 = 0

    static let bufferSize = 1 << 20

    private init(temporaryPath: String, descriptor: Int32, hashing: Bool) {
        self.temporaryPath = temporaryPath
        self.descriptor = descriptor
        self.buffer = .allocate(byteCount: Self.bufferSize, alignment: 16)
        self.hasher = hashing ? SHA256Hasher() : nil
    }

    deinit {
        discard()
        buffer.deallocate()
    }

    /// Creates the temporary file for `destination`. `noun` words the error for a destination
    /// without a file name ("write a \(noun) to ..."); `hashing` turns on `finalizeDigest`.
    public static func createTemporary(for destination: String, noun: String = "file", hashing: Bool = false) throws
        -> AtomicOutputFile
    {
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { String(destination[...$0]) } ?? ""
        let name = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        guard !name.isEmpty, name != ".", name != ".." else {
            throw ArchiverError.fileSystem(operation: "write a \(noun) to", path: destination, errno: EISDIR)
        }
        while true {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let candidate = "\(directory).\(name).tmp-\(suffix)"
            let descriptor = open(candidate, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                return AtomicOutputFile(temporaryPath: candidate, descriptor: descriptor, hashing: hashing)
            }
            guard errno == EEXIST else {
                throw ArchiverError.fileSystem(operation: "create the temporary file", path: candidate, errno: errno)
            }
        }
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        hasher?.update(bytes)
        if buffered + bytes.count > buffer.count {
            try flush()
        }
        if bytes.count >= buffer.count {
            try writeAll(bytes)
        } else {
            UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<buffered + bytes.count]).copyMemory(from: bytes)
            buffered += bytes.count
        }
        position += Int64(bytes.count)
    }

    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    func flush() throws {
        guard buffered > 0 else { return }
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]))
        buffered = 0
    }

    /// The SHA-256 of every byte appended, for a file created with `hashing`; call once, when the
    /// content is complete.
    public func finalizeDigest() -> [UInt8] {
        guard let hasher else { preconditionFailure("finalizeDigest on a file created without hashing") }
        return hasher.finalize()
    }

    /// Reads `count` bytes at `offset` of the flushed file.
    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        precondition(buffered == 0, "read before flush")
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard got == count else {
            throw ArchiverError.fileSystem(operation: "read back", path: temporaryPath, errno: got < 0 ? errno : EIO)
        }
        return bytes
    }

    /// Overwrites bytes at `offset` of the flushed file.
    func overwrite(_ bytes: [UInt8], at offset: Int64) throws {
        precondition(buffered == 0, "overwrite before flush")
        let put = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard put == bytes.count else {
            throw ArchiverError.fileSystem(operation: "patch", path: temporaryPath, errno: put < 0 ? errno : EIO)
        }
    }

    /// The SHA-256 of the bytes on disk, read back in chunks.
    func sha256() throws -> [UInt8] {
        try flush()
        let hasher = SHA256Hasher()
        var offset: Int64 = 0
        while offset < position {
            let wanted = Int(min(Int64(buffer.count), position - offset))
            let got = pread(descriptor, buffer.baseAddress, wanted, off_t(offset))
            if got < 0, errno == EINTR { continue }
            guard got > 0 else {
                throw ArchiverError.fileSystem(
                    operation: "read back", path: temporaryPath, errno: got < 0 ? errno : EIO)
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            offset += Int64(got)
        }
        return hasher.finalize()
    }

    /// Closes the file and renames it over `destination` (atomic on one file system).
    public func commit(to destination: String) throws {
        try flush()
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else {
            throw ArchiverError.fileSystem(operation: "close", path: temporaryPath, errno: errno)
        }
        guard rename(temporaryPath, destination) == 0 else {
            throw ArchiverError.fileSystem(operation: "rename into place", path: destination, errno: errno)
        }
        committed = true
    }

    /// Closes and removes the temporary file; every failure path ends here (and `deinit` does too).
    public func discard() {
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

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0, let base = bytes.baseAddress else {
            if bytes.isEmpty { return }
            throw ArchiverError.fileSystem(operation: "write", path: temporaryPath, errno: EBADF)
        }
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ArchiverError.fileSystem(operation: "write", path: temporaryPath, errno: errno)
            }
            offset += written
        }
    }
}
