public import AWSClient
public import Foundation

/// Puts a zip where Lambda can take it: inline up to the direct-upload limit, else in S3
/// (`--s3-bucket`, or `swift-lambda-<account>-<region>`, created once).
public actor CodeUploader {
    /// Lambda takes zips up to 50 MB in the request itself (CreateFunction, UpdateFunctionCode).
    public static let directUploadLimit = 50 * 1024 * 1024

    let client: AWSClient
    let bucketOverride: String?
    private var bucket: Task<(name: String, exists: Bool), any Error>?

    public init(client: AWSClient, bucket: String?) {
        self.client = client
        self.bucketOverride = bucket
    }

    public static func needsS3(zipSize: Int) -> Bool { zipSize > directUploadLimit }

    /// The bucket large zips go to; the default one is created when missing (not in a dry run),
    /// a named one must exist. Found once per run.
    public func bucketName(dryRun: Bool) async throws -> (name: String, exists: Bool) {
        if let bucket { return try await bucket.value }
        let task = Task { [client, bucketOverride] in
            let s3 = S3API(client: client)
            if let bucketOverride {
                guard try await s3.bucketExists(bucketOverride) else { throw DeployError.noSuchBucket(bucketOverride) }
                return (name: bucketOverride, exists: true)
            }
            let account = try await STSAPI(client: client).callerIdentity().account
            let name = "swift-lambda-\(account)-\(client.region)"
            if try await s3.bucketExists(name) { return (name: name, exists: true) }
            if dryRun { return (name: name, exists: false) }
            try await s3.createBucket(name)
            return (name: name, exists: true)
        }
        bucket = task
        return try await task.value
    }

    /// The code to name in the call, uploading to S3 first when the zip is too large to send inline.
    public func code(for zip: Data, name: String, sha256Hex: String) async throws -> LambdaAPI.Code {
        guard Self.needsS3(zipSize: zip.count) else { return .zip(zip) }
        let bucket = try await bucketName(dryRun: false).name
        let key = "swift-lambda/\(name)/\(sha256Hex).zip"
        try await S3API(client: client).putObject(bucket: bucket, key: key, body: zip, sha256Hex: sha256Hex)
        return .s3(bucket: bucket, key: key)
    }
}
