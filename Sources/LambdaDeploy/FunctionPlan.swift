public import AWSClient

/// The decision for one function: what to create or change, from what it should be and what
/// Lambda has. Pure, so every case is a unit test and `--dry-run` prints exactly what a real
/// run does.
public struct FunctionPlan: Sendable, Equatable {
    public enum Action: String, Sendable, Equatable {
        case created, updated, unchanged
    }

    /// True when the function does not exist yet.
    public var create: Bool
    /// The configuration fields that differ (for a new function: every one it is created with).
    public var configuration: LambdaAPI.Settings
    /// The code differs (by `CodeSha256`) or the architecture does.
    public var updateCode: Bool
    /// Tags missing or different on the function.
    public var tags: [String: String]
    /// One phrase per difference, for people: `code`, `memory 128 -> 256`, `architecture x86_64 -> arm64`.
    public var changes: [String]

    public var action: Action { Self.action(create: create, changes: changes) }

    /// Created, else updated when anything changed (the plan's changes, or what came after it:
    /// a version, an alias, a URL), else unchanged.
    static func action(create: Bool, changes: [String]) -> Action {
        create ? .created : (changes.isEmpty ? .unchanged : .updated)
    }

    /// `remote` is GetFunction's answer, nil when there is no such function (`remoteCode` its
    /// `Code`, which names an image function's image); `defaultRole` is the role a new function
    /// gets when the spec names none. An image spec has no runtime, handler or layers to set.
    public static func decide(
        _ spec: FunctionSpec, remote: LambdaAPI.FunctionConfiguration?, remoteCode: LambdaAPI.CodeLocation? = nil,
        remoteTags: [String: String], defaultRole: String
    ) -> FunctionPlan {
        let zip = !spec.isImage
        guard let remote else {
            let settings = LambdaAPI.Settings(
                role: spec.role ?? defaultRole, runtime: zip ? spec.runtime : nil, handler: zip ? FunctionSpec.handler : nil,
                description: spec.description, timeout: spec.timeout, memorySize: spec.memory, environment: spec.environment,
                layers: zip ? spec.layers : nil)
            return FunctionPlan(create: true, configuration: settings, updateCode: false, tags: spec.tags, changes: [])
        }
        var settings = LambdaAPI.Settings()
        var changes: [String] = []
        func differs<T: Equatable>(_ wanted: T?, _ current: T?, _ label: String, show: (T?) -> String) -> T? {
            guard let wanted, wanted != current else { return nil }
            changes.append("\(label) \(show(current)) -> \(show(wanted))")
            return wanted
        }
        let text: (String?) -> String = { $0.map { $0.isEmpty ? "\"\"" : $0 } ?? "none" }
        let number: (Int?) -> String = { $0.map(String.init) ?? "none" }
        settings.role = differs(spec.role, remote.Role, "role", show: text)
        settings.runtime = zip ? differs(spec.runtime, remote.Runtime, "runtime", show: text) : nil
        settings.handler = zip ? differs(FunctionSpec.handler, remote.Handler, "handler", show: text) : nil
        settings.description = differs(spec.description, remote.Description ?? "", "description", show: text)
        settings.timeout = differs(spec.timeout, remote.Timeout, "timeout", show: number)
        settings.memorySize = differs(spec.memory, remote.MemorySize, "memory", show: number)
        if let environment = spec.environment, environment != (remote.Environment?.Variables ?? [:]) {
            settings.environment = environment
            changes.append(Self.describeEnvironmentChange(from: remote.Environment?.Variables ?? [:], to: environment))
        }
        if zip, let layers = spec.layers, layers != (remote.Layers ?? []).compactMap(\.Arn) {
            settings.layers = layers
            changes.append("layers \(Self.describeLayers((remote.Layers ?? []).compactMap(\.Arn))) -> \(Self.describeLayers(layers))")
        }
        let remoteArchitecture = remote.Architectures?.first ?? "x86_64"
        var codeDiffers = remote.CodeSha256 != spec.codeSha256
        if remoteArchitecture != spec.architecture { changes.append("architecture \(remoteArchitecture) -> \(spec.architecture)") }
        if let wanted = spec.imageURI {
            let change = imageChange(from: deployedImage(remoteCode, configuration: remote), to: wanted)
            codeDiffers = change != nil
            changes += change.map { [$0] } ?? []
        } else if codeDiffers {
            changes.append("code")
        }
        let tags = spec.tags.filter { remoteTags[$0.key] != $0.value }
        if !tags.isEmpty { changes.append("tags " + tags.keys.sorted().joined(separator: ", ")) }
        return FunctionPlan(
            create: false, configuration: settings, updateCode: codeDiffers || remoteArchitecture != spec.architecture, tags: tags,
            changes: changes)
    }

    /// The package type cannot change in place (Lambda refuses UpdateFunctionCode across it):
    /// the error to stop with, nil when the function is of the spec's type or does not exist.
    public static func packageConflict(_ spec: FunctionSpec, remote: LambdaAPI.FunctionConfiguration?) -> DeployError? {
        guard let remote else { return nil }
        let current = remote.PackageType ?? "Zip"
        guard current != spec.packageType else { return nil }
        return .packageTypeDiffers(function: spec.name, deployed: current, wanted: spec.packageType)
    }

    /// The repository and manifest digest an image function runs: from `Code.ImageUri` when it
    /// is pinned (`REPOSITORY@sha256:...`, as deploy gives it), else its tag's repository and
    /// `sha256:` with `CodeSha256` (Lambda's `CodeSha256` of an image is the manifest digest's
    /// hex). `ResolvedImageUri` is not read: moto makes it from the text before the URI's first
    /// `:` (a registry's port) and a hash of the URI string, not of the image.
    static func deployedImage(
        _ code: LambdaAPI.CodeLocation?, configuration: LambdaAPI.FunctionConfiguration
    ) -> (repository: String, digest: String)? {
        guard let uri = code?.ImageUri else { return nil }
        if let at = uri.firstIndex(of: "@") { return (String(uri[..<at]), String(uri[uri.index(after: at)...])) }
        var repository = Substring(uri)
        if let colon = uri.lastIndex(of: ":"), !uri[colon...].contains("/") { repository = uri[..<colon] }
        guard let sha = configuration.CodeSha256, !sha.isEmpty else { return (String(repository), "") }
        return (String(repository), "sha256:" + sha)
    }

    /// `image sha256:<12> -> sha256:<12>` in the same repository, the whole URIs across
    /// repositories; nil when the function runs `wanted` already.
    static func imageChange(from deployed: (repository: String, digest: String)?, to wanted: String) -> String? {
        let parts = wanted.split(separator: "@", maxSplits: 1).map(String.init)
        let (repository, digest) = (parts[0], parts.count == 2 ? parts[1] : "")
        guard let deployed else { return "image none -> \(wanted)" }
        if deployed.repository == repository {
            if deployed.digest == digest { return nil }
            let short = { (digest: String) in digest.isEmpty ? "unknown" : String(digest.prefix("sha256:".count + 12)) }
            return "image \(short(deployed.digest)) -> \(short(digest))"
        }
        return "image \(deployed.repository)@\(deployed.digest) -> \(wanted)"
    }

    /// `name:version` of each layer version ARN (what a count would not say: which version
    /// replaces which), `none` for no layers.
    static func describeLayers(_ arns: [String]) -> String {
        guard !arns.isEmpty else { return "none" }
        return arns.map { $0.split(separator: ":").suffix(2).joined(separator: ":") }.joined(separator: ",")
    }

    /// Names only: values may be secrets.
    static func describeEnvironmentChange(from old: [String: String], to new: [String: String]) -> String {
        let added = new.keys.filter { old[$0] == nil }.sorted()
        let removed = old.keys.filter { new[$0] == nil }.sorted()
        let changed = new.keys.filter { old[$0] != nil && old[$0] != new[$0] }.sorted()
        var parts: [String] = []
        if !added.isEmpty { parts.append("+" + added.joined(separator: ",")) }
        if !changed.isEmpty { parts.append("~" + changed.joined(separator: ",")) }
        if !removed.isEmpty { parts.append("-" + removed.joined(separator: ",")) }
        return "environment " + parts.joined(separator: " ")
    }
}
