public import Foundation

/// Keys to sign with. The description never holds the secret or the token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// Where they were found, for `-v` and errors ("environment", "profile dev in ~/.aws/credentials", ...).
    public var source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// The access key with all but its last four characters masked.
    public var maskedAccessKeyID: String {
        accessKeyID.count <= 4 ? "****" : String(repeating: "*", count: accessKeyID.count - 4) + accessKeyID.suffix(4)
    }

    public var description: String { "\(maskedAccessKeyID) from \(source)" }
}

/// Gives credentials when a request is signed: a fixed pair, or the chain of sources the SDKs search.
public protocol AWSCredentialsProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

public struct StaticCredentials: AWSCredentialsProvider {
    public var value: AWSCredentials
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials() async throws -> AWSCredentials { value }
}
