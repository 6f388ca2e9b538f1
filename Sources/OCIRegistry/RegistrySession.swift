import AWSClient
import Foundation

/// The exchanges of one push with one registry: anonymous first (many local and public
/// registries need no login, and the 401 says which kind they want), then the login the
/// challenge asks for, kept for the rest of the push (a Bearer token per realm, service and
/// scope; Basic credentials once looked up). A request answered 401 is authenticated and sent
/// again once; a second 401 is an error that says whose login was refused.
struct RegistrySession {
    let transport: any HTTPTransport
    let login: RegistryLogin
    let insecure: Bool
    let trace: (@Sendable (String) -> Void)?
    /// `host[:port]` as the user named it (config keys, ECR detection, errors).
    let registry: String
    let repository: String
    let base: URL
    let retry: RetryPolicy

    /// The `Authorization` sent with every request to the registry's own host.
    private(set) var authorization: String?
    private var credentialsLooked = false
    private(set) var credentials: RegistryCredentials?
    private var tokens: [String: String] = [:]

    init(
        transport: any HTTPTransport, login: RegistryLogin, insecure: Bool, trace: (@Sendable (String) -> Void)?,
        registry: String,
        repository: String, scheme: RegistryScheme, retry: RetryPolicy = RegistryRetry.standard
    ) {
        self.retry = retry
        self.transport = transport
        self.login = login
        self.insecure = insecure
        self.trace = trace
        self.registry = registry
        self.repository = repository
        let host = RegistryHost.apiHost(registry)
        guard let base = URL(string: "\(scheme.rawValue)://\(host)") else { preconditionFailure("not a URL: \(host)") }
        self.base = base
    }

    /// `/v2/<repository>/<rest>` on the registry.
    func url(_ rest: String) -> URL {
        guard let url = URL(string: "/v2/\(repository)/\(rest)", relativeTo: base)?.absoluteURL else {
            preconditionFailure("not a URL path: \(rest)")
        }
        return url
    }

    /// A `Location` answer (relative to the registry or absolute) as a URL; another host is
    /// allowed (a registry may hand uploads to its storage) but not a plain-HTTP one it could not
    /// be sent to in the first place.
    func resolve(location: String, operation: String) throws -> URL {
        guard !location.isEmpty, let url = URL(string: location, relativeTo: base)?.absoluteURL, let host = url.host,
            !host.isEmpty,
            let scheme = url.scheme.flatMap(RegistryScheme.init(rawValue:))
        else { throw RegistryError.badLocation(operation: operation, location: location) }
        _ = try RegistryScheme.choose(for: Self.hostPort(url), requested: scheme, insecure: insecure)
        return url
    }

    static func hostPort(_ url: URL) -> String {
        let host = url.host ?? ""
        let shown = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return shown + (url.port.map { ":\($0)" } ?? "")
    }

    /// `url` as the transport's request: the path kept encoded, the query as decoded pairs.
    static func request(
        _ method: String, _ url: URL, extraQuery: [(name: String, value: String)] = [], headers: [HTTPHeader] = [],
        body: Data = Data(),
        timeout: Double? = nil
    ) -> HTTPRequest {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: true) ?? URLComponents()
        let query = (components.queryItems ?? []).map { (name: $0.name, value: $0.value ?? "") } + extraQuery
        components.path = ""
        components.query = nil
        components.fragment = nil
        let endpoint = components.url ?? url
        let path = url.path(percentEncoded: true)
        return HTTPRequest(
            method: method, endpoint: endpoint, path: path.isEmpty ? "/" : path, query: query, headers: headers,
            body: body,
            timeout: timeout)
    }

    /// Sends, authenticating on a 401 from the registry's own host. The login goes only to that
    /// host: an upload handed to another host carries its permission in its URL. A lost
    /// connection, a timeout, 429 and 5xx are sent again (`retry`) unless `retrying` is false: an
    /// upload's PUT is not, since its upload session may be spent; its caller starts a new one.
    mutating func send(
        _ method: String, _ url: URL, extraQuery: [(name: String, value: String)] = [], headers: [HTTPHeader] = [],
        body: Data = Data(), timeout: Double? = nil, retrying: Bool = true
    ) async throws -> HTTPResponse {
        let ownHost = Self.hostPort(url).lowercased() == Self.hostPort(base).lowercased()
        var authenticatedAgain = false
        var attempt = 0
        while true {
            attempt += 1
            var request = Self.request(
                method, url, extraQuery: extraQuery, headers: headers, body: body, timeout: timeout)
            let sent = ownHost ? authorization : nil
            if let sent { request.setHeader("Authorization", sent) }
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                trace?("registry \(method) \(request.path): \(error.message)")
                if retrying, error.kind != .unresolvedHost, attempt < retry.attempts {
                    try await Task.sleep(for: .seconds(retry.delay(afterAttempt: attempt)))
                    continue
                }
                throw RegistryError.unreachable(host: Self.hostPort(url), error)
            }
            trace?("registry \(method) \(request.path) -> \(response.status)")
            if retrying, RegistryRetry.isTransient(response.status), attempt < retry.attempts {
                try await Task.sleep(for: .seconds(retry.delay(afterAttempt: attempt)))
                continue
            }
            guard response.status == 401, ownHost else { return response }
            let header = response.headers["www-authenticate"] ?? ""
            if authenticatedAgain { throw refusal(header: header, response: response) }
            authenticatedAgain = true
            authorization = try await authenticate(header: header, refused: sent)
        }
    }

    /// The error for a 401 that logging in did not cure.
    func refusal(header: String, response: HTTPResponse) -> RegistryError {
        let message = RegistryClient.errors(in: response.body).message
        if let credentials { return .loginRefused(registry: registry, source: credentials.source, message: message) }
        return .loginRequired(registry: registry, challenge: Self.describe(header), advice: login.advice(for: registry))
    }

    /// `Bearer realm "..."` for errors, without the parameters' noise.
    static func describe(_ header: String) -> String {
        guard let challenge = AuthChallenge.parse(header).first else { return "no WWW-Authenticate" }
        return challenge.scheme.prefix(1).uppercased() + challenge.scheme.dropFirst()
            + (challenge["realm"].map { " realm \"\($0)\"" } ?? "")
    }

    mutating func lookUpCredentials() async throws -> RegistryCredentials? {
        if !credentialsLooked {
            credentials = try await login.credentials(for: registry)
            credentialsLooked = true
        }
        return credentials
    }

    /// The `Authorization` a challenge asks for; `refused` is the one just sent (a cached token
    /// that has expired is fetched again instead of sent again).
    mutating func authenticate(header: String, refused: String?) async throws -> String {
        let challenges = AuthChallenge.parse(header)
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }), let realm = bearer["realm"] {
            return try await token(realm: realm, service: bearer["service"], refused: refused)
        }
        guard challenges.contains(where: { $0.scheme == "basic" }) else {
            throw RegistryError.unsupportedChallenge(registry: registry, header: header.isEmpty ? "(none)" : header)
        }
        guard let credentials = try await lookUpCredentials() else {
            throw RegistryError.loginRequired(
                registry: registry, challenge: Self.describe(header), advice: login.advice(for: registry))
        }
        return credentials.basicAuthorization
    }

    /// A token from `realm` for pulling and pushing this repository (one token for the whole
    /// push, whatever scope the challenge named), with the Basic login when there is one.
    mutating func token(realm: String, service: String?, refused: String?) async throws -> String {
        let scope = "repository:\(repository):pull,push"
        let key = [realm, service ?? "", scope].joined(separator: " ")
        if let cached = tokens[key], "Bearer \(cached)" != refused { return "Bearer \(cached)" }
        guard let realmURL = URL(string: realm), let scheme = realmURL.scheme.flatMap(RegistryScheme.init(rawValue:)),
            realmURL.host != nil
        else { throw RegistryError.tokenFailed(realm: realm, status: 0, message: "the realm is not an http(s) URL") }
        _ = try RegistryScheme.choose(for: Self.hostPort(realmURL), requested: scheme, insecure: insecure)
        let credentials = try await lookUpCredentials()
        var request = Self.request(
            "GET", realmURL,
            extraQuery: (service.map { [(name: "service", value: $0)] } ?? []) + [(name: "scope", value: scope)])
        if let credentials { request.setHeader("Authorization", credentials.basicAuthorization) }
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            throw RegistryError.unreachable(host: Self.hostPort(realmURL), error)
        }
        trace?("registry token \(request.path) -> \(response.status)")
        guard response.status == 200 else {
            if (response.status == 401 || response.status == 403) && credentials == nil {
                throw RegistryError.loginRequired(
                    registry: registry, challenge: "Bearer realm \"\(realm)\"", advice: login.advice(for: registry))
            }
            let message = RegistryClient.errors(in: response.body).message
            throw RegistryError.tokenFailed(
                realm: realm, status: response.status,
                message: message.isEmpty ? String(response.text.prefix(200)) : message)
        }
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard let token = (object?["token"] as? String) ?? (object?["access_token"] as? String), !token.isEmpty else {
            throw RegistryError.tokenFailed(
                realm: realm, status: 200, message: "the answer holds no token or access_token")
        }
        tokens[key] = token
        return "Bearer \(token)"
    }
}
