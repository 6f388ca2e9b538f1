import Foundation
import LambdaSupport

/// What was written: the final path, its size and the SHA-256 of its bytes as read back from disk.
public struct ZipSummary: Sendable, Hashable {
    public let path: String
    public let size: Int64
    public let sha256: [UInt8]

    public init(path: String, size: Int64, sha256: [UInt8]) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }

    /// The summary of a zip already on disk (one `build` wrote), read in chunks: what `write`
    /// returns for the zip it writes, so a zip is described the same whoever wrote it.
    public static func reading(_ path: String) throws -> ZipSummary {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ArchiverError.fileSystem(operation: "open", path: path, errno: errno) }
        defer { _ = close(descriptor) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: ZipWriter.chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        let hasher = SHA256Hasher()
        var size: Int64 = 0
        while true {
            let got = read(descriptor, chunk.baseAddress, chunk.count)
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw ArchiverError.fileSystem(operation: "read", path: path, errno: errno) }
            if got == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<got]))
            size += Int64(got)
        }
        return ZipSummary(path: path, size: size, sha256: hasher.finalize())
    }

    /// Lowercase hex, as printed by `sha256sum`.
    public var sha256Hex: String { ContentKey.hex(sha256) }

    /// Standard base64 with padding: the form of Terraform's `filebase64sha256` and of Lambda's
    /// `CodeSha256`, so a caller can compare with a deployed function without converting.
    public var sha256Base64: String {
        Data(sha256).base64EncodedString()
    }
}
