/// What `--push REGISTRY[/NAMESPACE]` names: a registry and the path every function's image goes
/// under. One destination serves every function of a build (`<namespace>/<function>:<tag>`), so
/// it is parsed once, before anything is built.
public struct PushDestination: Sendable, Hashable, CustomStringConvertible {
    /// `host[:port]`, host lower-cased.
    public var registry: String
    /// `team` or `team/sub`; nil for none.
    public var namespace: String?
    /// `http://` or `https://` written before the registry; nil when none was.
    public var requestedScheme: RegistryScheme?

    /// The flag's name in errors, so they read as the user typed the command.
    public static let flag = "--push"

    /// Parses `[http[s]://]HOST[:PORT][/NAMESPACE]`; a trailing `/` is dropped.
    public static func parse(_ text: String) throws -> PushDestination {
        let subject = "\(flag) '\(text)'"
        var rest = Substring(text)
        var scheme: RegistryScheme?
        for candidate in RegistryScheme.allCases where rest.lowercased().hasPrefix("\(candidate.rawValue)://") {
            scheme = candidate
            rest = rest.dropFirst(candidate.rawValue.count + 3)
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty else { throw ImageReferenceError.emptyDestination(subject: subject) }
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let registry = try ImageReference.checkedRegistry(String(parts[0]), subject: subject)
        var namespace: String?
        if parts.count == 2 {
            for component in parts[1].split(separator: "/", omittingEmptySubsequences: false) {
                try ImageReference.checkPathComponent(String(component), subject: subject)
            }
            namespace = String(parts[1])
        }
        return PushDestination(registry: registry, namespace: namespace, requestedScheme: scheme)
    }

    public init(registry: String, namespace: String? = nil, requestedScheme: RegistryScheme? = nil) {
        self.registry = registry
        self.namespace = namespace
        self.requestedScheme = requestedScheme
    }

    public var description: String { registry + (namespace.map { "/\($0)" } ?? "") }

    /// The repository name for a function: its name lower-cased, since Swift products are
    /// usually `UpperCamelCase` and the grammar allows only lower case (refusing them would
    /// refuse most packages; two products differing only in case are then one repository, which
    /// the caller can detect by comparing `repositoryName(for:)`). A name that is still not a
    /// path component (a space, a `+`) is refused with the rule.
    public static func repositoryName(for function: String) throws -> String {
        let lowered = function.lowercased()
        guard ImageReference.isPathComponent(lowered) else { throw ImageReferenceError.badFunctionName(function) }
        return lowered
    }

    /// `REGISTRY/NAMESPACE/<function>:<tag>`; `tag` nil means `latest`.
    public func reference(function: String, tag: String? = nil) throws -> ImageReference {
        let name = try Self.repositoryName(for: function)
        try ImageReference.checkTag(tag ?? "latest")
        return try ImageReference(
            registry: registry, repository: namespace.map { "\($0)/\(name)" } ?? name, tag: tag ?? "latest",
            requestedScheme: requestedScheme)
    }
}
