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

    /// Lowercase hex, as printed by `sha256sum`.
    public var sha256Hex: String { ContentKey.hex(sha256) }

    /// Standard base64 with padding: the form of Terraform's `filebase64sha256` and of Lambda's
    /// `CodeSha256`, so a caller can compare with a deployed function without converting.
    public var sha256Base64: String {
        Data(sha256).base64EncodedString()
    }
}
