public import AWSClient
import Foundation

/// Where a push finds the login a registry asks for: Amazon ECR's GetAuthorizationToken for an
/// ECR host (ECR's password lasts 12 hours, so one fetched now beats one `docker login` stored
/// yesterday), the Docker config file for every other host.
public struct RegistryLogin: Sendable {
    public var dockerConfig: DockerConfig
    /// An AWS client for a region (the ECR host's), made by the caller from its `--region`,
    /// `--profile` and `--endpoint-url` handling; nil leaves ECR hosts to the Docker config.
    public var awsClient: (@Sendable (_ region: String) async throws -> AWSClient)?

    /// ECR logins fetched so far, shared by every copy of this login: a build pushing ten
    /// functions to one ECR registry asks for one token, not ten (each lasts 12 hours).
    private let fetched = FetchedLogins()

    public init(dockerConfig: DockerConfig, awsClient: (@Sendable (_ region: String) async throws -> AWSClient)? = nil)
    {
        self.dockerConfig = dockerConfig
        self.awsClient = awsClient
    }

    /// No logins at all: anonymous pushes only (a registry that asks for one fails with the way out).
    public static let anonymous = RegistryLogin(
        dockerConfig: DockerConfig(path: "~/.docker/config.json", exists: false))

    /// The ECR API for `registry`, when it is an ECR host and AWS is set up.
    func ecr(_ registry: String) async throws -> (api: ECRAPI, account: String)? {
        guard let (account, region) = RegistryHost.ecr(registry), let awsClient else { return nil }
        return (ECRAPI(client: try await awsClient(region)), account)
    }

    /// `registry`'s login; nil when there is none to be had.
    func credentials(for registry: String) async throws -> RegistryCredentials? {
        if let cached = fetched.value(for: registry) { return cached }
        if let (api, account) = try await ecr(registry) {
            let authorization = try await api.authorization(registryID: account)
            let credentials = RegistryCredentials(
                username: authorization.username, password: authorization.password,
                source: "ECR GetAuthorizationToken (account \(account), region \(api.client.region))")
            fetched.store(credentials, for: registry)
            return credentials
        }
        return try dockerConfig.credentials(for: registry)
    }

    /// What to do when `registry` asks for a login this has none for.
    func advice(for registry: String) -> String {
        let key = RegistryHost.dockerHubNames.contains(registry) ? "https://index.docker.io/v1/" : registry
        if let helper = dockerConfig.helper(for: registry) {
            return
                "\(dockerConfig.path) keeps its logins in the credential helper docker-credential-\(helper), which swift-lambda does not run; add \"auths\": {\"\(key)\": {\"auth\": \"<base64 of user:password>\"}} there"
        }
        if RegistryHost.ecr(registry) != nil {
            return
                "ECR logins come from AWS: set AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID) with ecr:GetAuthorizationToken"
        }
        return
            "add \"auths\": {\"\(key)\": {\"auth\": \"<base64 of user:password>\"}} to \(dockerConfig.path) (docker login \(registry) does), or set DOCKER_CONFIG to the directory of one that has it"
    }
}

/// ECR logins by registry, behind a lock (pushes may run in parallel).
private final class FetchedLogins: @unchecked Sendable {
    private let lock = NSLock()
    private var logins: [String: RegistryCredentials] = [:]

    func value(for registry: String) -> RegistryCredentials? { lock.withLock { logins[registry] } }
    func store(_ credentials: RegistryCredentials, for registry: String) {
        lock.withLock { logins[registry] = credentials }
    }
}
