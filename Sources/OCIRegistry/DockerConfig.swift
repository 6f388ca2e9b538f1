public import Foundation

/// A user name and password for one registry, and where they came from (said in errors, never
/// the password).
public struct RegistryCredentials: Sendable, Equatable {
    public var username: String
    public var password: String
    public var source: String

    public init(username: String, password: String, source: String) {
        self.username = username
        self.password = password
        self.source = source
    }

    /// `Basic base64(user:password)`.
    var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}

/// The logins `docker login` (and podman, skopeo, ko, crane) keep: `$DOCKER_CONFIG/config.json`,
/// else `~/.docker/config.json`. Reading the same file means a user logged in for those tools
/// needs nothing more for this one. Only `auths` is read: credential helpers (`credsStore`,
/// `credHelpers`) are programs of their own, and a registry they hold is named in the error.
public struct DockerConfig: Sendable, Equatable {
    /// Where the file is (or would be).
    public var path: String
    /// Whether it was there.
    public var exists: Bool
    /// `auths`, keys as written.
    public var auths: [String: Entry]
    public var credsStore: String?
    public var credHelpers: [String: String]

    public struct Entry: Sendable, Equatable, Decodable {
        public var auth: String?
        public var username: String?
        public var password: String?
        public var identitytoken: String?

        public init(auth: String? = nil, username: String? = nil, password: String? = nil, identitytoken: String? = nil)
        {
            self.auth = auth
            self.username = username
            self.password = password
            self.identitytoken = identitytoken
        }
    }

    struct File: Decodable {
        var auths: [String: Entry]?
        var credsStore: String?
        var credHelpers: [String: String]?
    }

    public init(
        path: String, exists: Bool = true, auths: [String: Entry] = [:], credsStore: String? = nil,
        credHelpers: [String: String] = [:]
    ) {
        self.path = path
        self.exists = exists
        self.auths = auths
        self.credsStore = credsStore
        self.credHelpers = credHelpers
    }

    /// The file's path for this environment and home (both injected: tests never read the
    /// developer's own logins).
    public static func path(environment: [String: String], home: String) -> String {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty {
            return (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + "/config.json"
        }
        return (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.docker/config.json"
    }

    /// Reads the file; a missing one is an empty config, a malformed one an error naming it.
    public static func load(
        environment: [String: String], home: String,
        readFile: @Sendable (String) throws -> Data? = { FileManager.default.contents(atPath: $0) }
    ) throws -> DockerConfig {
        let path = path(environment: environment, home: home)
        guard let data = try readFile(path) else { return DockerConfig(path: path, exists: false) }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw RegistryError.badDockerConfig(path: path, reason: DockerConfig.reason(error))
        }
        return DockerConfig(
            path: path, auths: file.auths ?? [:], credsStore: file.credsStore, credHelpers: file.credHelpers ?? [:])
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            return at.isEmpty ? "it is not a JSON object" : "\(at): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    /// The `auths` key that holds `registry`'s login: the exact `host[:port]` first, then
    /// `https://host[:port]` (with any path), then any key naming the same host and port.
    public func key(for registry: String) -> String? {
        let wanted = RegistryHost.configKey(registry)
        if auths[registry] != nil { return registry }
        if auths["https://\(registry)"] != nil { return "https://\(registry)" }
        return auths.keys.sorted().first { RegistryHost.normalizedConfigKey($0) == wanted }
    }

    /// The login for `registry` (`host[:port]`); nil when the file has none. An entry that is there
    /// but unusable (bad base64, only an identity token) is an error naming the key.
    public func credentials(for registry: String) throws -> RegistryCredentials? {
        guard let key = key(for: registry), let entry = auths[key] else { return nil }
        let source = "\(path) (auths \"\(key)\")"
        if let auth = entry.auth, !auth.isEmpty {
            guard let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else {
                throw RegistryError.badDockerConfig(
                    path: path, reason: "auths \"\(key)\".auth is not base64 of user:password")
            }
            return RegistryCredentials(
                username: String(text[..<colon]), password: String(text[text.index(after: colon)...]), source: source)
        }
        if let username = entry.username, let password = entry.password, !username.isEmpty {
            return RegistryCredentials(username: username, password: password, source: source)
        }
        if entry.identitytoken != nil {
            throw RegistryError.badDockerConfig(
                path: path,
                reason:
                    "auths \"\(key)\" holds only an identitytoken (an OAuth login), which swift-lambda cannot use; add \"auth\": base64 of user:password"
            )
        }
        // Docker leaves `{}` here when the login itself is in a credential helper.
        return nil
    }

    /// The credential helper that would hold `registry`'s login, for the error that says why none was found.
    public func helper(for registry: String) -> String? {
        credHelpers.first { RegistryHost.normalizedConfigKey($0.key) == RegistryHost.configKey(registry) }?.value
            ?? credsStore
    }
}
