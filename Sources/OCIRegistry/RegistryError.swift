public import AWSClient

/// What went wrong pushing to a registry, each said in one line with what to do. AWS's own
/// failures (no credentials for ECR, CreateRepository denied) stay `AWSError`s, which already say
/// what to do.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `http://` asked for a host that is not loopback, without `--insecure-registry`.
    case plainHTTPRefused(host: String)
    case badDockerConfig(path: String, reason: String)
    /// No answer from the registry (or its token service) at all.
    case unreachable(host: String, TransportError)
    /// A 401 and no login for it; `advice` says which file and key to add.
    case loginRequired(registry: String, challenge: String, advice: String)
    /// A 401 again after logging in with `source`'s credentials.
    case loginRefused(registry: String, source: String, message: String)
    case unsupportedChallenge(registry: String, header: String)
    /// The token service of a Bearer challenge refused or answered nonsense.
    case tokenFailed(realm: String, status: Int, message: String)
    /// 403: logged in, but not allowed to push here.
    case denied(reference: String, source: String?, message: String)
    /// The repository does not exist and this registry does not create repositories on push.
    case repositoryMissing(reference: String, message: String)
    /// Any other error answer: the operation, the status, the registry's `errors[]`.
    case failed(operation: String, status: Int, codes: [String], message: String)
    case badLocation(operation: String, location: String)
    /// The registry stored a manifest whose digest is not the one sent.
    case digestMismatch(reference: String, sent: String, answered: String)
    /// The image given to push is inconsistent (a bad digest, a missing blob file): the image writer's fault.
    case badImage(String)

    public var description: String {
        switch self {
        case .plainHTTPRefused(let host):
            return
                "refusing plain HTTP to \(host): its login and images would travel unencrypted; use https, or pass --insecure-registry for a registry you trust on this network"
        case .badDockerConfig(let path, let reason):
            return "cannot read the Docker config \(path): \(reason); fix it, or set DOCKER_CONFIG to another directory"
        case .unreachable(let host, let error):
            switch error.kind {
            case .unresolvedHost:
                return "cannot find the registry \(host): check its name in --push and the network"
            case .connectionFailed:
                return
                    "cannot connect to the registry \(host): \(error.message); check that it runs and the address in --push (and --insecure-registry for one without TLS)"
            case .timedOut:
                return "the registry \(host) did not answer in time: check the network, or retry"
            case .other:
                return "the request to the registry \(host) failed: \(error.message)"
            }
        case .loginRequired(let registry, let challenge, let advice):
            return "\(registry) asks for a login (\(challenge)) and none was found: \(advice)"
        case .loginRefused(let registry, let source, let message):
            return
                "\(registry) refused the login from \(source)\(Self.said(message)); check the user name and password there (docker login \(registry))"
        case .unsupportedChallenge(let registry, let header):
            return
                "\(registry) asks for an authentication this tool does not speak (WWW-Authenticate: \(header)); only Basic and Bearer are supported"
        case .tokenFailed(let realm, let status, let message):
            let what = status == 401 || status == 403 ? "refused the login" : "answered \(status)"
            return
                "the token service \(realm) \(what)\(Self.said(message)); check the login for the registry in the Docker config (docker login)"
        case .denied(let reference, let source, let message):
            let who = source.map { "the login from \($0)" } ?? "an anonymous push"
            return
                "pushing \(reference) was denied\(Self.said(message)); \(who) may not push there: use a login with push access to the repository"
        case .repositoryMissing(let reference, let message):
            return "the repository of \(reference) does not exist\(Self.said(message)); create it in the registry first"
        case .failed(let operation, let status, let codes, let message):
            let said = ([codes.joined(separator: ", ")].filter { !$0.isEmpty } + [message].filter { !$0.isEmpty })
                .joined(separator: ": ")
            let base = "\(operation) failed with \(status)\(said.isEmpty ? "" : " (\(said))")"
            switch status {
            case 429: return "\(base); the registry is rate-limiting: retry later"
            case 413: return "\(base); the registry refuses a body this large: check its size limits (a proxy's too)"
            case 500...: return "\(base); the registry failed: retry, or check its logs"
            default: return "\(base); check the registry's documentation for this error"
            }
        case .badLocation(let operation, let location):
            return
                "\(operation) answered a Location that is not a URL ('\(location)'); the registry is not speaking the OCI distribution API"
        case .digestMismatch(let reference, let sent, let answered):
            return
                "the registry stored \(reference) as \(answered), not the \(sent) sent; a proxy may have changed it: push again, or without the proxy"
        case .badImage(let reason):
            return "cannot push the image: \(reason); rebuild it"
        }
    }

    static func said(_ message: String) -> String { message.isEmpty ? "" : " (\(message))" }
}
