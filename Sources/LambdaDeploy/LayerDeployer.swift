import AWSClient
import Foundation

/// An extension's layer: a new version only when the newest one's `CodeSha256` is not the zip's.
struct LayerDeployer: Sendable {
    var lambda: LambdaAPI
    var uploader: CodeUploader
    var dryRun: Bool

    func deploy(_ zip: DeployZip, runtimes: [String], description: String?) async throws -> DeployReport {
        let started = Date()
        let latest = try await lambda.latestLayerVersion(zip.name)
        if let latest, latest.Content?.CodeSha256 == zip.codeSha256,
            latest.CompatibleArchitectures.map({ $0.contains(zip.architecture.rawValue) }) ?? true
        {
            return DeployReport(
                name: zip.name, kind: .extension, action: .unchanged, arn: latest.LayerVersionArn, codeSha256: zip.codeSha256,
                version: latest.Version.map(String.init), changes: [], uploadedBytes: 0, seconds: Date().timeIntervalSince(started))
        }
        let action: FunctionPlan.Action = latest == nil ? .created : .updated
        let changes = [latest == nil ? "layer" : "layer version after \(latest?.Version.map(String.init) ?? "?")"]
        guard !dryRun else {
            return DeployReport(
                name: zip.name, kind: .extension, action: action, arn: nil, codeSha256: zip.codeSha256, version: nil,
                changes: changes, uploadedBytes: zip.size, seconds: Date().timeIntervalSince(started))
        }
        let code = try await uploader.code(for: zip)
        let published = try await lambda.publishLayerVersion(
            name: zip.name, code: code, description: description, runtimes: runtimes, architectures: [zip.architecture.rawValue])
        return DeployReport(
            name: zip.name, kind: .extension, action: action, arn: published.LayerVersionArn, codeSha256: zip.codeSha256,
            version: published.Version.map(String.init), changes: changes, uploadedBytes: zip.size,
            seconds: Date().timeIntervalSince(started))
    }
}
