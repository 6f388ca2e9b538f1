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

    /// `remote` is GetFunction's answer, nil when there is no such function; `defaultRole` is
    /// the role a new function gets when the spec names none.
    public static func decide(
        _ spec: FunctionSpec, remote: LambdaAPI.FunctionConfiguration?, remoteTags: [String: String], defaultRole: String
    ) -> FunctionPlan {
        guard let remote else {
            let settings = LambdaAPI.Settings(
                role: spec.role ?? defaultRole, runtime: spec.runtime, handler: FunctionSpec.handler, description: spec.description,
                timeout: spec.timeout, memorySize: spec.memory, environment: spec.environment, layers: spec.layers)
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
        settings.runtime = differs(spec.runtime, remote.Runtime, "runtime", show: text)
        settings.handler = differs(FunctionSpec.handler, remote.Handler, "handler", show: text)
        settings.description = differs(spec.description, remote.Description ?? "", "description", show: text)
        settings.timeout = differs(spec.timeout, remote.Timeout, "timeout", show: number)
        settings.memorySize = differs(spec.memory, remote.MemorySize, "memory", show: number)
        if let environment = spec.environment, environment != (remote.Environment?.Variables ?? [:]) {
            settings.environment = environment
            changes.append(Self.describeEnvironmentChange(from: remote.Environment?.Variables ?? [:], to: environment))
        }
        if let layers = spec.layers, layers != (remote.Layers ?? []).compactMap(\.Arn) {
            settings.layers = layers
            changes.append("layers \(Self.describeLayers((remote.Layers ?? []).compactMap(\.Arn))) -> \(Self.describeLayers(layers))")
        }
        let remoteArchitecture = remote.Architectures?.first ?? "x86_64"
        let codeDiffers = remote.CodeSha256 != spec.codeSha256
        if remoteArchitecture != spec.architecture { changes.append("architecture \(remoteArchitecture) -> \(spec.architecture)") }
        if codeDiffers { changes.append("code") }
        let tags = spec.tags.filter { remoteTags[$0.key] != $0.value }
        if !tags.isEmpty { changes.append("tags " + tags.keys.sorted().joined(separator: ", ")) }
        return FunctionPlan(
            create: false, configuration: settings, updateCode: codeDiffers || remoteArchitecture != spec.architecture, tags: tags,
            changes: changes)
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
