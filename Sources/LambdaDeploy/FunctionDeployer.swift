import AWSClient
import Foundation
import LambdaBuild

extension DeployZip {
    /// The bytes, read when they are sent.
    func bytes() throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: zip.path))
        } catch {
            throw DeployArtifactError.zipUnreadable(path: zip.path, reason: (error as NSError).localizedDescription)
        }
    }

    var size: Int { Int(zip.size) }
}

/// How long to wait for Lambda to finish an update before the next call.
public struct WaitPolicy: Sendable, Equatable {
    public var interval: Double
    public var limit: Double
    /// Retries of CreateFunction while a role created this run is not yet assumable.
    public var rolePropagationAttempts: Int
    public var rolePropagationDelay: Double

    public init(interval: Double = 1, limit: Double = 300, rolePropagationAttempts: Int = 10, rolePropagationDelay: Double = 2) {
        self.interval = interval
        self.limit = limit
        self.rolePropagationAttempts = rolePropagationAttempts
        self.rolePropagationDelay = rolePropagationDelay
    }
}

/// Carries out one function's plan: create or update, then version, alias, URL and tags.
/// In a dry run the same steps read what is there and report what they would write.
struct FunctionDeployer: Sendable {
    var lambda: LambdaAPI
    var role: ExecutionRole
    var uploader: CodeUploader
    var pusher: ImagePusher?
    var dryRun: Bool
    var wait: WaitPolicy

    /// An image is pushed (blobs the registry has are skipped) before the function is compared
    /// and never in a dry run, which decides from the digest the push would give.
    func deploy(_ spec: FunctionSpec, code source: DeployJob.Code) async throws -> DeployReport {
        let started = Date()
        var spec = spec
        var remote = try await lambda.getFunction(spec.name)
        if let current = remote?.Configuration, !dryRun, Self.isBusy(current) {
            remote?.Configuration = try await waitUntilReady(spec.name)
        }
        if let conflict = FunctionPlan.packageConflict(spec, remote: remote?.Configuration) { throw conflict }
        var pushedBytes = 0
        if case .image(let image) = source, !dryRun, let pusher {
            let report = try await pusher.push(image.archive, of: spec.name, to: image.reference)
            spec.imageURI = report.pinnedReference
            pushedBytes = image.bytes(ofBlobs: report.uploaded)
        }
        var defaultRole = spec.role ?? remote?.Configuration.Role ?? ""
        var roleNote: String?
        var roleCreatedNow = false
        if remote == nil, spec.role == nil {
            let resolved = try await role.resolve()
            defaultRole = resolved.arn
            roleCreatedNow = resolved.createdNow
            if resolved.wouldCreate { roleNote = "role \(ExecutionRole.name) (to be created)" }
        }
        let plan = FunctionPlan.decide(
            spec, remote: remote?.Configuration, remoteCode: remote?.Code, remoteTags: remote?.Tags ?? [:], defaultRole: defaultRole)
        var changes = plan.changes
        if let roleNote { changes.append(roleNote) }
        var uploaded = pushedBytes
        var configuration = remote?.Configuration ?? LambdaAPI.FunctionConfiguration()

        if !dryRun {
            if plan.create || plan.updateCode {
                let code: LambdaAPI.Code
                switch source {
                case .zip(let zip):
                    code = try await uploader.code(for: zip)
                    uploaded = zip.size
                case .image:
                    code = .image(uri: spec.imageURI ?? "")
                }
                if plan.create {
                    configuration = try await create(spec, code: code, settings: plan.configuration, roleCreatedNow: roleCreatedNow)
                    configuration = try await waitUntilReady(spec.name)
                } else {
                    if !plan.configuration.isEmpty {
                        _ = try await lambda.updateFunctionConfiguration(name: spec.name, settings: plan.configuration)
                        _ = try await waitUntilReady(spec.name)
                    }
                    _ = try await lambda.updateFunctionCode(name: spec.name, code: code, architecture: spec.architecture)
                    configuration = try await waitUntilReady(spec.name)
                }
            } else if !plan.configuration.isEmpty {
                _ = try await lambda.updateFunctionConfiguration(name: spec.name, settings: plan.configuration)
                configuration = try await waitUntilReady(spec.name)
            }
            if !plan.create, !plan.tags.isEmpty, let arn = configuration.FunctionArn {
                try await lambda.tagResource(arn: Self.unqualified(arn), tags: plan.tags)
            }
        } else if plan.create || plan.updateCode, case .zip(let zip) = source {
            if zip.requiresS3Upload {
                let bucket = try await uploader.bucketName(dryRun: true)
                changes.append("upload \(zip.size) bytes to s3://\(bucket.name)\(bucket.exists ? "" : " (bucket to be created)")")
            }
            uploaded = zip.size
        }

        var version: String? = "$LATEST"
        if spec.publish || spec.alias != nil {
            version = try await publish(spec, changed: plan.action != .unchanged, changes: &changes)
        }
        if let alias = spec.alias {
            try await point(alias: alias, of: spec.name, to: version ?? "$LATEST", changes: &changes)
        }
        var url: String?
        if let auth = spec.functionURLAuth {
            url = try await functionURL(spec.name, qualifier: spec.alias, authType: auth, changes: &changes)
        }
        let action = FunctionPlan.action(create: plan.create, changes: changes)
        return DeployReport(
            name: spec.name, kind: .function, action: action,
            arn: configuration.FunctionArn.map(Self.unqualified), codeSha256: spec.codeSha256, version: version,
            alias: spec.alias, url: url, changes: changes, uploadedBytes: uploaded, seconds: Date().timeIntervalSince(started),
            imageURI: spec.imageURI)
    }

    /// CreateFunction, retried while a role made seconds ago cannot be assumed yet (IAM is
    /// eventually consistent; Lambda says InvalidParameterValueException).
    func create(
        _ spec: FunctionSpec, code: LambdaAPI.Code, settings: LambdaAPI.Settings, roleCreatedNow: Bool
    ) async throws -> LambdaAPI.FunctionConfiguration {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await lambda.createFunction(
                    name: spec.name, code: code, settings: settings, architecture: spec.architecture, tags: spec.tags,
                    publish: false)
            } catch let error as AWSError where error.code == "InvalidParameterValueException" && roleCreatedNow
                && attempt < wait.rolePropagationAttempts
            {
                try await Task.sleep(for: .seconds(wait.rolePropagationDelay))
            }
        }
    }

    static func isBusy(_ configuration: LambdaAPI.FunctionConfiguration) -> Bool {
        configuration.State == "Pending" || configuration.LastUpdateStatus == "InProgress"
    }

    /// Polls until the function is neither pending nor updating; a failed update is an error.
    func waitUntilReady(_ name: String) async throws -> LambdaAPI.FunctionConfiguration {
        let deadline = Date().addingTimeInterval(wait.limit)
        while true {
            guard let current = try await lambda.getFunction(name)?.Configuration else {
                throw DeployError.noSuchFunction(name, region: lambda.client.region)
            }
            if current.LastUpdateStatus == "Failed" || current.State == "Failed" {
                throw DeployError.updateFailed(
                    function: name, reason: current.LastUpdateStatusReason ?? current.StateReason ?? "no reason given")
            }
            if !Self.isBusy(current) { return current }
            guard Date() < deadline else { throw DeployError.stillUpdating(function: name, seconds: Int(wait.limit)) }
            try await Task.sleep(for: .seconds(wait.interval))
        }
    }

    /// A new version when something changed (or none was ever published); else the newest one.
    func publish(_ spec: FunctionSpec, changed: Bool, changes: inout [String]) async throws -> String? {
        if !changed, let existing = try await lambda.latestPublishedVersion(spec.name, codeSha256: spec.codeSha256) {
            return existing
        }
        if dryRun {
            changes.append("publish a version")
            return nil
        }
        // An image's CodeSha256 is the manifest digest on Lambda but a hash of the URI on moto:
        // not sent, the version is of the code just set.
        let published = try await lambda.publishVersion(name: spec.name, codeSha256: spec.isImage ? nil : spec.codeSha256)
        changes.append("version \(published.Version ?? "?")")
        return published.Version
    }

    func point(alias: String, of function: String, to version: String, changes: inout [String]) async throws {
        let existing = try await lambda.getAlias(function: function, name: alias)
        if existing?.FunctionVersion == version { return }
        let shown = dryRun && version == "$LATEST" ? "the new version" : version
        changes.append(existing == nil ? "alias \(alias) -> \(shown)" : "alias \(alias) \(existing?.FunctionVersion ?? "?") -> \(shown)")
        guard !dryRun else { return }
        if existing == nil {
            _ = try await lambda.createAlias(function: function, name: alias, version: version)
        } else {
            _ = try await lambda.updateAlias(function: function, name: alias, version: version)
        }
    }

    func functionURL(_ function: String, qualifier: String?, authType: String, changes: inout [String]) async throws -> String? {
        let wanted = authType.uppercased() == "IAM" ? "AWS_IAM" : "NONE"
        let existing = try await lambda.getFunctionURLConfig(function: function, qualifier: qualifier)
        if let existing, existing.AuthType == wanted { return existing.FunctionUrl }
        changes.append(existing == nil ? "function URL (auth \(authType))" : "function URL auth \(existing?.AuthType ?? "?") -> \(wanted)")
        guard !dryRun else { return existing?.FunctionUrl }
        let config = existing == nil
            ? try await lambda.createFunctionURLConfig(function: function, qualifier: qualifier, authType: wanted)
            : try await lambda.updateFunctionURLConfig(function: function, qualifier: qualifier, authType: wanted)
        if wanted == "NONE" { try await lambda.addPublicURLPermission(function: function, qualifier: qualifier) }
        return config.FunctionUrl
    }

    /// `arn:...:function:name` without a `:version` or `:alias` suffix.
    static func unqualified(_ arn: String) -> String {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 7 ? parts.prefix(7).joined(separator: ":") : arn
    }
}
