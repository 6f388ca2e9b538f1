public import AWSClient
public import Foundation

/// Pushes images over the OCI distribution API: each blob the registry lacks (HEAD, then POST
/// an upload and PUT the bytes in one piece), then the manifest under its tag. Monolithic
/// uploads, not chunked ones: one request per blob is the fewest round trips, every registry
/// accepts them, and a failed upload is simply sent again by the next push (blobs already there
/// are skipped).
///
/// A build's push, as the CLI strings it together (every function under one destination, one
/// login shared, so ECR is asked for one token):
///
/// ```swift
/// let destination = try PushDestination.parse(push)              // --push, checked before building
/// let login = RegistryLogin(
///     dockerConfig: try DockerConfig.load(environment: environment, home: home),
///     awsClient: { region in
///         try await AWSClient.resolve(
///             region: region, profile: profile, endpointURL: endpointURL, environment: environment, home: home)
///     })
/// let client = RegistryClient(login: login, insecureRegistry: insecure)
/// let report = try await client.push(image, to: try destination.reference(function: name, tag: tag))
/// ```
public struct RegistryClient: Sendable {
    public var transport: any HTTPTransport
    public var login: RegistryLogin
    /// `--insecure-registry`: plain HTTP to a host that is not loopback.
    public var insecureRegistry: Bool
    /// Each request and answer in one line (no secrets): `-v`.
    public var trace: (@Sendable (String) -> Void)?
    public var retry: RetryPolicy

    public init(
        transport: any HTTPTransport = CurlTransport(), login: RegistryLogin = .anonymous,
        insecureRegistry: Bool = false,
        trace: (@Sendable (String) -> Void)? = nil, retry: RetryPolicy = RegistryRetry.standard
    ) {
        self.retry = retry
        self.transport = transport
        self.login = login
        self.insecureRegistry = insecureRegistry
        self.trace = trace
    }

    public static let manifestAccept = [
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ]

    /// Pushes `image` to `reference`: blobs first (a registry refuses a manifest naming blobs it
    /// lacks), each blob once, then the index's children by digest, then the manifest by tag.
    public func push(_ image: PushableImage, to reference: ImageReference) async throws -> PushReport {
        try image.validate()
        let scheme = try RegistryScheme.choose(
            for: reference.registry, requested: reference.requestedScheme, insecure: insecureRegistry)
        var session = RegistrySession(
            transport: transport, login: login, insecure: insecureRegistry, trace: trace, registry: reference.registry,
            repository: reference.repository, scheme: scheme, retry: retry)
        var report = PushReport(
            reference: reference, manifestDigest: image.manifest.digest, uploaded: [], alreadyPresent: [], bytesSent: 0)
        var seen = Set<String>()
        for blob in image.blobs where seen.insert(blob.digest).inserted {
            if try await exists(blob, in: &session, reference: reference) {
                report.alreadyPresent.append(blob.digest)
                continue
            }
            let created = try await upload(blob, in: &session, reference: reference)
            report.createdRepository = report.createdRepository || created
            report.uploaded.append(blob.digest)
            report.bytesSent += blob.size
        }
        for child in image.children {
            _ = try await put(child, as: child.digest, in: &session, reference: reference)
            report.bytesSent += Int64(child.bytes.count)
        }
        report.manifestDigest = try await put(image.manifest, as: reference.tag, in: &session, reference: reference)
        report.bytesSent += Int64(image.manifest.bytes.count)
        return report
    }

    // MARK: - The steps

    func exists(_ blob: PushableImage.Blob, in session: inout RegistrySession, reference: ImageReference) async throws
        -> Bool
    {
        let response = try await session.send("HEAD", session.url("blobs/\(blob.digest)"))
        switch response.status {
        case 200..<300, 307, 308: return true  // a redirect points at where the blob is stored
        case 404: return false
        default: throw failure(response, operation: "HEAD blob \(blob.digest)", reference: reference, session: session)
        }
    }

    /// Returns whether the repository had to be created first. A PUT lost to the network or
    /// answered 429/5xx starts a new upload (the old upload session may be spent), at most
    /// `retry.attempts` times.
    func upload(_ blob: PushableImage.Blob, in session: inout RegistrySession, reference: ImageReference) async throws
        -> Bool
    {
        let bytes = try blob.contents()
        var created = false
        var attempt = 0
        while true {
            attempt += 1
            var started = try await session.send("POST", session.url("blobs/uploads/"))
            if !created, started.status == 404, Self.errors(in: started.body).codes.contains("NAME_UNKNOWN") {
                try await createRepository(reference, message: Self.errors(in: started.body).message)
                created = true
                started = try await session.send("POST", session.url("blobs/uploads/"))
            }
            guard started.status == 202 else {
                throw failure(
                    started, operation: "starting the upload of \(blob.digest)", reference: reference, session: session)
            }
            let location = try session.resolve(
                location: started.headers["location"] ?? "", operation: "starting the upload of \(blob.digest)")
            // At least 1 MB/s before a layer's upload is given up on, and never under the usual 5 minutes.
            let timeout = max(300, Double(blob.size) / 1_000_000)
            let finished: HTTPResponse
            do {
                finished = try await session.send(
                    "PUT", location, extraQuery: [(name: "digest", value: blob.digest)],
                    headers: [HTTPHeader("Content-Type", "application/octet-stream")], body: bytes, timeout: timeout,
                    retrying: false)
            } catch RegistryError.unreachable(let host, let error) where error.kind != .unresolvedHost {
                guard attempt < retry.attempts else { throw RegistryError.unreachable(host: host, error) }
                try await Task.sleep(for: .seconds(retry.delay(afterAttempt: attempt)))
                continue
            }
            if (200..<300).contains(finished.status) { return created }
            if RegistryRetry.isTransient(finished.status), attempt < retry.attempts {
                try await Task.sleep(for: .seconds(retry.delay(afterAttempt: attempt)))
                continue
            }
            throw failure(finished, operation: "uploading \(blob.digest)", reference: reference, session: session)
        }
    }

    /// PUTs a manifest under `tagOrDigest`; returns its digest, checked against the registry's
    /// `Docker-Content-Digest` when it sends one.
    func put(
        _ manifest: PushableImage.Manifest, as tagOrDigest: String, in session: inout RegistrySession,
        reference: ImageReference
    )
        async throws -> String
    {
        let response = try await session.send(
            "PUT", session.url("manifests/\(tagOrDigest)"), headers: [HTTPHeader("Content-Type", manifest.mediaType)],
            body: manifest.bytes)
        guard (200..<300).contains(response.status) else {
            throw failure(
                response, operation: "PUT manifest \(reference.repository):\(tagOrDigest)", reference: reference,
                session: session)
        }
        let digest = manifest.digest
        if let answered = response.headers["docker-content-digest"], !answered.isEmpty, answered != digest {
            throw RegistryError.digestMismatch(
                reference: "\(reference.registry)/\(reference.repository):\(tagOrDigest)", sent: digest,
                answered: answered)
        }
        return digest
    }

    /// ECR does not create repositories on push: create it when AWS is set up, else say how.
    func createRepository(_ reference: ImageReference, message: String) async throws {
        let shown = "\(reference.registry)/\(reference.repository)"
        guard let (api, account) = try await login.ecr(reference.registry) else {
            if let (_, region) = RegistryHost.ecr(reference.registry) {
                throw RegistryError.repositoryMissing(
                    reference: shown,
                    message:
                        "ECR does not create repositories on push; run aws ecr create-repository --repository-name \(reference.repository) --region \(region)"
                )
            }
            throw RegistryError.repositoryMissing(reference: shown, message: message)
        }
        trace?("ecr CreateRepository \(reference.repository) in \(account)")
        try await api.createRepository(reference.repository, registryID: account)
    }

    /// An error answer as a `RegistryError`, by what the status says to do.
    func failure(_ response: HTTPResponse, operation: String, reference: ImageReference, session: RegistrySession)
        -> RegistryError
    {
        let (codes, message) = Self.errors(in: response.body)
        if response.status == 403 || codes.contains("DENIED") {
            return .denied(reference: reference.description, source: session.credentials?.source, message: message)
        }
        if response.status == 404, codes.contains("NAME_UNKNOWN") {
            return .repositoryMissing(reference: "\(reference.registry)/\(reference.repository)", message: message)
        }
        return .failed(
            operation: "\(operation) on \(reference.registry)", status: response.status, codes: codes, message: message)
    }

    /// The distribution API's error body, `{"errors":[{"code":..,"message":..}]}`: the codes, and
    /// the messages joined by `; ` (a body that is not one gives neither).
    public static func errors(in body: Data) -> (codes: [String], message: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let errors = object["errors"] as? [[String: Any]]
        else { return ([], "") }
        let codes = errors.compactMap { $0["code"] as? String }
        let messages = errors.compactMap { $0["message"] as? String }.filter { !$0.isEmpty }
        return (codes, messages.joined(separator: "; "))
    }
}

/// Requests sent again after a lost connection, a timeout, 429 or 5xx: AWSClient's
/// `RetryPolicy` (bounded, exponential backoff with jitter), with fewer, slower attempts (a
/// registry behind a load balancer answers 502 and 503 while it rolls; a large upload over a
/// flaky link loses its connection).
public enum RegistryRetry {
    public static let standard = RetryPolicy(attempts: 3, baseDelay: 0.5, maximumDelay: 5)

    static func isTransient(_ status: Int) -> Bool { [429, 500, 502, 503, 504].contains(status) }
}
