public import Foundation

/// The S3 calls for zips over Lambda's 50 MB direct-upload limit (path-style REST).
public struct S3API: Sendable {
    public var client: AWSClient

    public init(client: AWSClient) { self.client = client }

    static func path(_ bucket: String, _ key: String? = nil) -> String {
        "/\(SigV4.encode(bucket))" + (key.map { "/" + SigV4.encode($0, keepSlash: true) } ?? "")
    }

    /// Whether the bucket exists and these credentials may use it.
    public func bucketExists(_ bucket: String) async throws -> Bool {
        do {
            _ = try await client.send(.s3, operation: "HeadBucket", method: "HEAD", path: Self.path(bucket))
            return true
        } catch let error as AWSError where error.isNotFound {
            return false
        }
    }

    public func createBucket(_ bucket: String) async throws {
        // us-east-1 is the default location and may not be named.
        var body = Data()
        if client.region != "us-east-1" {
            body = Data("""
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>\(client.region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        do {
            _ = try await client.send(.s3, operation: "CreateBucket", method: "PUT", path: Self.path(bucket), body: body)
        } catch let error as AWSError where error.code == "BucketAlreadyOwnedByYou" {
            // Made by an earlier or a parallel run.
        }
    }

    public func putObject(bucket: String, key: String, body: Data, sha256Hex: String? = nil) async throws {
        _ = try await client.send(
            .s3, operation: "PutObject", method: "PUT", path: Self.path(bucket, key),
            headers: [HTTPHeader("Content-Type", "application/zip")], body: body, payloadHash: sha256Hex)
    }
}
