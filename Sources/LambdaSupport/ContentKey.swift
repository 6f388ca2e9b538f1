import Foundation

/// Names for content-addressed caches: the SHA-256 of what an entry is a
/// function of, as lowercase hex.
public enum ContentKey {
    /// The SHA-256 of `parts` joined by newlines.
    public static func sha256(_ parts: [String]) -> String {
        hex(SHA256Hasher.hash(Array(parts.joined(separator: "\n").utf8)))
    }

    /// Bytes (a digest) as lowercase hex.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
