import Foundation
import LambdaSupport

/// The two sources answered over HTTP by the machine the tool runs on: a container agent (ECS,
/// EKS Pod Identity, CodeBuild) and EC2's instance metadata service.
extension CredentialChain {
    /// Where the container agent answers, as the SDKs allow it over plain http.
    static let containerHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]

    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or `_FULL_URI`, with
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or `_TOKEN` as the Authorization header. Set but
    /// failing is an error, not a fall-through: the container was set up to give credentials.
    func containerCredentials() async throws -> AWSCredentials? {
        let url: URL
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"].nonEmpty {
            guard let parsed = URL(string: "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)) else {
                throw AWSError.credentialSource(
                    source: "container credentials", reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI '\(relative)' is not a URL path")
            }
            url = parsed
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"].nonEmpty {
            url = try Self.checkedContainerURL(full)
        } else {
            return nil
        }
        let source = "container credentials at \(url.absoluteString)"
        var request = HTTPRequest(method: "GET", endpoint: url, path: "", query: Self.queryPairs(url), timeout: 2)
        // As given: the endpoint's path would otherwise lose a trailing slash.
        request.path = url.path(percentEncoded: true).isEmpty ? "/" : url.path(percentEncoded: true)
        request.headers = [HTTPHeader("Accept", "application/json")]
        if let tokenFile = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].nonEmpty {
            request.headers.append(
                HTTPHeader("Authorization", try readText(expand(tokenFile), source: source, what: "the authorization token file")))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].nonEmpty {
            request.headers.append(HTTPHeader("Authorization", token))
        }
        // botocore's fetcher: a 2 s timeout and 3 attempts, the agent being local.
        var response: HTTPResponse?
        var failure = ""
        for _ in 1...3 where response == nil {
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                failure = error.message
            }
        }
        guard let response else { throw AWSError.credentialSource(source: source, reason: "no answer (\(failure))") }
        guard response.status == 200 else {
            throw AWSError.credentialSource(source: source, reason: "it answered HTTP \(response.status); check the container's task role")
        }
        do {
            return try TemporaryCredentialsJSON.parse(response.body, tokenKeys: ["Token", "SessionToken"])
                .credentials(source: "container credentials")
        } catch {
            throw AWSError.credentialSource(source: source, reason: error.reason)
        }
    }

    /// A full URI is used over https anywhere, over http only on loopback or the agents' addresses.
    static func checkedContainerURL(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            throw AWSError.credentialSource(
                source: "container credentials", reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI '\(text)' is not a URL")
        }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let allowed = scheme == "https" || (scheme == "http" && (containerHosts.contains(bare) || isLoopback(bare)))
        guard allowed else {
            throw AWSError.credentialSource(
                source: "container credentials",
                reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI '\(text)' is plain http to \(host); the SDKs allow http only to loopback, 169.254.170.2 or 169.254.170.23; use https")
        }
        return url
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    static func queryPairs(_ url: URL) -> [(name: String, value: String)] {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.map { ($0.name, $0.value ?? "") } ?? []
    }

    // MARK: - Instance metadata

    enum MetadataOutcome {
        case found(AWSCredentials)
        case notFound(String)
    }

    /// IMDSv2: a session token (PUT, a TTL header), the role's name, then its credentials; 1 s per
    /// request and no retries, since off EC2 nothing answers and the chain must not hang there.
    /// A PUT refused with 403, 404 or 405 falls back to IMDSv1 as the SDKs do.
    func instanceMetadataCredentials() async -> MetadataOutcome {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return .notFound("AWS_EC2_METADATA_DISABLED is true") }
        let address: String
        if let endpoint = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].nonEmpty {
            address = endpoint
        } else if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            address = "http://[fd00:ec2::254]"
        } else {
            address = "http://169.254.169.254"
        }
        guard let base = URL(string: address), base.host != nil else {
            return .notFound("AWS_EC2_METADATA_SERVICE_ENDPOINT '\(address)' is not a URL")
        }
        let place = "at \(address)"
        func call(_ method: String, _ path: String, _ headers: [HTTPHeader]) async -> Result<HTTPResponse, TransportError> {
            let request = HTTPRequest(method: method, endpoint: base, path: path, headers: headers, timeout: 1)
            do {
                return .success(try await transport.send(request))
            } catch let error as TransportError {
                return .failure(error)
            } catch {
                return .failure(TransportError(kind: .other, host: base.host ?? "", message: "\(error)"))
            }
        }
        var tokenHeaders: [HTTPHeader] = []
        switch await call("PUT", "/latest/api/token", [HTTPHeader("X-aws-ec2-metadata-token-ttl-seconds", "21600")]) {
        case .failure(let error):
            return .notFound("\(place): \(error.kind == .timedOut ? "no answer in 1 s" : error.message)")
        case .success(let answer) where answer.status == 200:
            tokenHeaders = [HTTPHeader("X-aws-ec2-metadata-token", answer.text.trimmingWhitespace)]
        case .success(let answer) where [403, 404, 405].contains(answer.status):
            break
        case .success(let answer):
            return .notFound("\(place): the token request answered HTTP \(answer.status)")
        }
        let rolesPath = "/latest/meta-data/iam/security-credentials/"
        guard case .success(let roles) = await call("GET", rolesPath, tokenHeaders), roles.status == 200,
            let role = roles.text.split(whereSeparator: \.isNewline).first.map({ String($0).trimmingWhitespace }), !role.isEmpty
        else {
            return .notFound("\(place): no IAM role attached to the instance")
        }
        guard case .success(let answer) = await call("GET", rolesPath + SigV4.encode(role), tokenHeaders), answer.status == 200 else {
            return .notFound("\(place): the credentials of role \(role) could not be read")
        }
        do {
            return .found(
                try TemporaryCredentialsJSON.parse(answer.body, tokenKeys: ["Token"]).credentials(source: "EC2 instance metadata (role \(role))"))
        } catch {
            return .notFound("\(place): role \(role): \(error.reason)")
        }
    }
}
