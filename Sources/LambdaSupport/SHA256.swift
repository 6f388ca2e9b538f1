import CLibCrypto

/// SHA-256 and HMAC-SHA256 from the system's libcrypto (OpenSSL), through its EVP interface.
///
/// swift-crypto compiled BoringSSL from source in every clean build (about a third of the tool's
/// first build on two cores, measured in the README) for these two functions; the C library is a
/// Debian package (`libssl-dev`) like libarchive, and its digests are the same bytes.
public final class SHA256Hasher {
    public static let digestLength = 32
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            // Only an allocation failure gets here: there is nothing to report it to but a trap.
            fatalError("libcrypto could not start a SHA-256 digest")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(EVP_DigestUpdate(context, base, bytes.count) == 1, "EVP_DigestUpdate failed")
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public func update(_ text: String) {
        update(Array(text.utf8))
    }

    /// The digest of everything added. The hasher is spent afterwards.
    public func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Self.digestLength)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1 && length == 32, "EVP_DigestFinal_ex failed")
        return digest
    }

    /// The SHA-256 of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// HMAC-SHA256 of `message` under `key` (RFC 2104), as AWS Signature Version 4 chains it.
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestLength)
        var length: UInt32 = 0
        // Never a nil pointer, even for empty input: OpenSSL reads a nil key as "the previous key".
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        _ = HMAC(EVP_sha256(), keyBytes, Int32(key.count), messageBytes, message.count, &digest, &length)
        precondition(length == 32, "HMAC-SHA256 failed")
        return digest
    }
}
