import LambdaSupport

/// A content address as OCI writes it, `sha256:<64 lowercase hex digits>`. Only SHA-256 is
/// accepted: it is what every registry and Lambda use, and a reader that verifies blobs must
/// know the algorithm.
public struct Digest: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 64 lowercase hex digits, which are also the blob's file name under `blobs/sha256/`.
    public let hex: String

    public init(sha256 bytes: [UInt8]) {
        hex = ContentKey.hex(bytes)
    }

    /// Parses `sha256:<hex>`; anything else (another algorithm, upper case, wrong length) throws.
    public init(parsing text: String) throws {
        let prefix = "sha256:"
        guard text.hasPrefix(prefix) else { throw OCIImageError.invalidDigest(text) }
        let hex = text.dropFirst(prefix.count)
        guard hex.utf8.count == 64,
            hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { throw OCIImageError.invalidDigest(text) }
        self.hex = String(hex)
    }

    /// The digest of `bytes`.
    public static func of(_ bytes: [UInt8]) -> Digest {
        Digest(sha256: SHA256Hasher.hash(bytes))
    }

    public var description: String { "sha256:" + hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
