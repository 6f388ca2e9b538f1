public import Foundation
public import LambdaSupport

/// Credentials where the AWS SDKs look for them, first found wins:
///
/// 1. the environment: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`);
///    skipped when `--profile` names a profile, as the AWS CLI skips it;
/// 2. the profile (`--profile`, else `AWS_PROFILE`, else `default`) in the shared credentials and
///    config files: static keys, `role_arn` with `source_profile` or `credential_source` (STS
///    AssumeRole), `role_arn` with `web_identity_token_file`, `credential_process`;
/// 3. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (how GitHub Actions deploys);
/// 4. container credentials: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI`;
/// 5. EC2 instance metadata (IMDSv2), 1 s per request, unless `AWS_EC2_METADATA_DISABLED=true`.
///
/// botocore puts a web-identity environment before a profile's static keys; this order (the
/// issue's, and the Java SDK's) lets keys a developer wrote into a profile win over a CI token.
/// Everything that touches the machine is injected (variables, home, file reading, transport,
/// process runner, clock), so tests never read the developer's own `~/.aws`. What is found is
/// kept for the run; temporary credentials are fetched again within 5 minutes of expiring.
public final class CredentialChain: AWSCredentialsProvider {
    /// How long before `expiration` temporary credentials are replaced.
    public static let refreshWindow: TimeInterval = 5 * 60

    /// `--profile`: when set, a missing profile is an error and the environment's keys are skipped.
    public let profileFlag: String?
    public let environment: [String: String]
    public let home: String
    /// Where STS calls go (AssumeRole, AssumeRoleWithWebIdentity): the run's endpoints, so a
    /// local STS (moto) answers when `--endpoint-url` points there.
    public let endpoints: AWSEndpoints
    let transport: any HTTPTransport
    let runner: any ProcessRunning
    let readFile: @Sendable (String) throws -> Data?
    let now: @Sendable () -> Date
    let trace: (@Sendable (String) -> Void)?
    private let cache = CredentialCache()

    /// `endpoints` defaults to AWS's own for `AWS_REGION` (else us-east-1); `runner` (for
    /// `credential_process`) to a `SubprocessRunner` resolving against `environment`'s `PATH`;
    /// `readFile` answers nil for a file that does not exist.
    public init(
        profile: String? = nil, environment: [String: String], home: String, endpoints: AWSEndpoints? = nil,
        transport: any HTTPTransport = URLSessionTransport(), runner: (any ProcessRunning)? = nil,
        readFile: @escaping @Sendable (String) throws -> Data? = CredentialChain.readFileFromDisk,
        now: @escaping @Sendable () -> Date = { Date() }, trace: (@Sendable (String) -> Void)? = nil
    ) {
        self.profileFlag = profile.nonEmpty
        self.environment = environment
        self.home = home
        self.endpoints =
            endpoints ?? AWSEndpoints(region: environment["AWS_REGION"].nonEmpty ?? "us-east-1", environment: environment)
        self.transport = transport
        self.runner = runner ?? SubprocessRunner(environment: environment)
        self.readFile = readFile
        self.now = now
        self.trace = trace
    }

    /// A file's bytes, nil when there is no file at `path`.
    public static let readFileFromDisk: @Sendable (String) throws -> Data? = { path in
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// The profile the chain reads: `--profile`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`
    /// (older SDKs' name), else `default`; explicit unless it is the fallback (then it must exist).
    public static func profile(flag: String?, environment: [String: String]) -> (name: String, isExplicit: Bool) {
        if let named = flag.nonEmpty ?? environment["AWS_PROFILE"].nonEmpty ?? environment["AWS_DEFAULT_PROFILE"].nonEmpty {
            return (named, true)
        }
        return ("default", false)
    }

    public var profileName: String { Self.profile(flag: profileFlag, environment: environment).name }
    var profileIsExplicit: Bool { Self.profile(flag: profileFlag, environment: environment).isExplicit }

    /// The credentials for this run: found once, refreshed near their expiry.
    public func credentials() async throws -> AWSCredentials {
        try await cache.value(at: now(), refreshWindow: Self.refreshWindow) { try await self.resolve() }
    }

    /// The chain walked once, without the cache.
    public func resolve() async throws -> AWSCredentials {
        let found = try await firstFound()
        trace?("credentials: \(found)")
        return found
    }

    private func firstFound() async throws -> AWSCredentials {
        var looked: [String] = []
        if profileFlag == nil {
            if let found = try environmentCredentials() { return found }
            looked.append("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }

        let config = try AWSSharedConfig.load(environment: environment, home: home, readFile: readFile)
        let files = "\(config.credentialsPath) and \(config.configPath)"
        if let profile = config.profile(profileName) {
            if let found = try await profileCredentials(profile, config: config, via: []) { return found }
            looked.append("profile '\(profileName)' in \(files) (it has no keys, role_arn or credential_process)")
        } else if profileIsExplicit {
            throw AWSError.profileNotFound(
                name: profileName, files: [config.credentialsPath, config.configPath], existing: config.profileNames)
        } else {
            looked.append("profile 'default' in \(files)")
        }

        if let found = try await webIdentityFromEnvironment() { return found }
        looked.append("AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN")

        if let found = try await containerCredentials() { return found }
        looked.append("container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI)")

        switch await instanceMetadataCredentials() {
        case .found(let credentials): return credentials
        case .notFound(let why): looked.append("EC2 instance metadata (\(why))")
        }
        throw AWSError.noCredentials(looked: looked)
    }

    /// The environment's pair; one of the two alone is an error naming the other.
    func environmentCredentials() throws -> AWSCredentials? {
        try Self.keyPair(
            ("AWS_ACCESS_KEY_ID", environment["AWS_ACCESS_KEY_ID"]), ("AWS_SECRET_ACCESS_KEY", environment["AWS_SECRET_ACCESS_KEY"]),
            token: environment["AWS_SESSION_TOKEN"], expiration: environment["AWS_CREDENTIAL_EXPIRATION"].nonEmpty.flatMap(ISO8601.date),
            source: "environment")
    }

    /// A key and its secret (from variables or a profile), or neither; one alone is an error that
    /// names the other, never the value.
    static func keyPair(
        _ key: (name: String, value: String?), _ secret: (name: String, value: String?), token: String?, expiration: Date? = nil,
        source: String
    ) throws -> AWSCredentials? {
        switch (key.value.nonEmpty, secret.value.nonEmpty) {
        case (nil, nil):
            return nil
        case (let id?, let secretKey?):
            return AWSCredentials(accessKeyID: id, secretAccessKey: secretKey, sessionToken: token.nonEmpty, expiration: expiration, source: source)
        case (let id, _):
            let (has, lacks) = id == nil ? (secret.name, key.name) : (key.name, secret.name)
            throw AWSError.credentialSource(source: source, reason: "\(has) is set but \(lacks) is not; set both, or remove \(has)")
        }
    }

    /// An STS client on the run's endpoints, signing with `credentials` (nil: unsigned calls only).
    func sts(signedWith credentials: AWSCredentials?) -> STSAPI {
        let provider: any AWSCredentialsProvider = credentials.map(StaticCredentials.init) ?? UnsignedOnly()
        return STSAPI(
            client: AWSClient(
                region: endpoints.region, endpoints: endpoints, credentials: provider, transport: transport,
                retry: RetryPolicy(attempts: 3), trace: trace, now: now))
    }

    /// `role_session_name` when not given: the SDKs' `botocore-session-<seconds>`, named for this tool.
    var defaultSessionName: String { "swift-lambda-\(Int(now().timeIntervalSince1970))" }

    /// A path from a variable or a profile, `~` resolved against the injected home.
    func expand(_ path: String) -> String { AWSSharedConfig.expandingTilde(path, home: home) }

    /// A file's text with its trailing newline dropped (token files), or why it cannot be had.
    func readText(_ path: String, source: String, what: String) throws -> String {
        let data: Data?
        do {
            data = try readFile(path)
        } catch {
            throw AWSError.credentialSource(source: source, reason: "\(what) \(path) cannot be read (\(error))")
        }
        guard let data else { throw AWSError.credentialSource(source: source, reason: "\(what) \(path) does not exist") }
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespace
        guard !text.isEmpty else { throw AWSError.credentialSource(source: source, reason: "\(what) \(path) is empty") }
        return text
    }
}

/// For calls that must not be signed (AssumeRoleWithWebIdentity): asking is a bug.
struct UnsignedOnly: AWSCredentialsProvider {
    func credentials() async throws -> AWSCredentials {
        throw AWSError.noCredentials(looked: ["none: this client makes unsigned calls only"])
    }
}

/// The chain's answer for the run, and the one resolution in flight, so parallel deploys run a
/// `credential_process` or AssumeRole once, not once each.
actor CredentialCache {
    private var current: AWSCredentials?
    private var pending: Task<AWSCredentials, any Error>?

    func value(
        at now: Date, refreshWindow: TimeInterval, resolve: @escaping @Sendable () async throws -> AWSCredentials
    ) async throws -> AWSCredentials {
        if let current, !Self.isDue(current, at: now, window: refreshWindow) { return current }
        let task = pending ?? Task { try await resolve() }
        pending = task
        do {
            let fresh = try await task.value
            if pending == task { pending = nil }
            current = fresh
            return fresh
        } catch {
            if pending == task { pending = nil }
            // A failed refresh keeps credentials that still work, as botocore's advisory window does.
            if let current, let expiration = current.expiration, expiration > now { return current }
            throw error
        }
    }

    static func isDue(_ credentials: AWSCredentials, at now: Date, window: TimeInterval) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now) <= window
    }
}

/// The JSON shape shared by `credential_process`, container credentials and instance metadata.
struct TemporaryCredentialsJSON {
    var accessKeyID: String
    var secretAccessKey: String
    var sessionToken: String?
    var expiration: Date?

    struct Unreadable: Error {
        var reason: String
    }

    /// The fields, or why not: `Unreadable` never quotes the document, which holds the secret.
    static func parse(_ data: Data, tokenKeys: [String]) throws(Unreadable) -> TemporaryCredentialsJSON {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw Unreadable(reason: "the answer is not a JSON object")
        }
        guard let key = object["AccessKeyId"] as? String, !key.isEmpty else { throw Unreadable(reason: "the answer has no AccessKeyId") }
        guard let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else {
            throw Unreadable(reason: "the answer has no SecretAccessKey")
        }
        let token = tokenKeys.lazy.compactMap { object[$0] as? String }.first { !$0.isEmpty }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let date = ISO8601.date(text) else { throw Unreadable(reason: "its Expiration '\(text)' is not an ISO 8601 time") }
            expiration = date
        }
        return TemporaryCredentialsJSON(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    func credentials(source: String) -> AWSCredentials {
        AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken, expiration: expiration,
            source: source)
    }
}
