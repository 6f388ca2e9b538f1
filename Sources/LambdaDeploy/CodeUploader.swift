public import AWSClient
import Foundation

/// Puts a zip where Lambda can take it: inline up to the direct-upload limit, else in S3
/// (`--s3-bucket`, or `swift-lambda-<account>-<region>`, created once).
public actor CodeUploader {
    let client: AWSClient
    let bucketOverride: String?
    private var bucket: Task<(name: String, exists: Bool), any Error>?

    public init(client: AWSClient, bucket: String?) {
        self.client = client
        self.bucketOverride = bucket
    }

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

    /// The code to name in the call, uploading to S3 first when the zip is over Lambda's
    /// direct-upload limit (`DeployZip.requiresS3Upload`).
    func code(for zip: DeployZip) async throws -> LambdaAPI.Code {
        let bytes = try zip.bytes()
        guard zip.requiresS3Upload else { return .zip(bytes) }
        let bucket = try await bucketName(dryRun: false).name
        let key = "swift-lambda/\(zip.name)/\(zip.zip.sha256Hex).zip"
        try await S3API(client: client).putObject(bucket: bucket, key: key, body: bytes, sha256Hex: zip.zip.sha256Hex)
        return .s3(bucket: bucket, key: key)
    }
}
