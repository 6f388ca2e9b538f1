import LambdaSupport

/// What went wrong talking to AWS, each said in one line with what to do.
public enum AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An error answer: the service's code and message.
    case service(Failure)
    /// No answer at all.
    case transport(TransportError, service: AWSService, region: String)
    /// No source of the chain had credentials; `looked` names each place.
    case noCredentials(looked: [String])
    /// A source was set up but failed (a profile's `credential_process` exited 1, a token file is unreadable).
    case credentialSource(source: String, reason: String)
    /// A profile named by `--profile` or `AWS_PROFILE` that neither shared file holds.
    case profileNotFound(name: String, files: [String], existing: [String])
    case noRegion
    case badRegion(String, suggestion: String?)
    /// `--endpoint-url` (or a profile's `endpoint_url`) that is not an http(s) URL with a host.
    case badEndpoint(String)
    /// An answer this client cannot read.
    case malformedResponse(service: AWSService, operation: String, reason: String)

    public struct Failure: Sendable, Equatable {
        public var service: AWSService
        public var operation: String
        public var status: Int
        public var code: String
        public var message: String
        public var requestID: String?

        public init(service: AWSService, operation: String, status: Int, code: String, message: String, requestID: String? = nil) {
            self.service = service
            self.operation = operation
            self.status = status
            self.code = code
            self.message = message
            self.requestID = requestID
        }
    }

    /// The service's error code, for callers that handle one (`ResourceNotFoundException`).
    public var code: String? {
        if case .service(let failure) = self { return failure.code }
        return nil
    }

    /// The thing asked about does not exist: the services' own codes, or a bare 404 (S3's HEAD
    /// has no body; emulators answer some calls with no error type), so every "missing" check
    /// reads the same.
    public var isNotFound: Bool {
        guard case .service(let failure) = self else { return false }
        return ["ResourceNotFoundException", "NoSuchEntity", "NoSuchBucket", "NotFound"].contains(failure.code) || failure.status == 404
    }

    public var description: String {
        switch self {
        case .service(let failure):
            return failure.description
        case .transport(let error, let service, let region):
            switch error.kind {
            case .unresolvedHost:
                return "cannot find \(error.host) (\(service.rawValue) in region \(region)): check the region (--region, AWS_REGION) and the network, or --endpoint-url"
            case .connectionFailed:
                return "cannot connect to \(error.host) for \(service.rawValue): \(error.message); check the network, a proxy, or --endpoint-url"
            case .timedOut:
                return "\(error.host) did not answer in time (\(service.rawValue)); check the network, or retry"
            case .other:
                return "\(service.rawValue) request failed: \(error.message)"
            }
        case .noCredentials(let looked):
            return "no AWS credentials found (looked in: \(looked.joined(separator: ", "))); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile with a profile in ~/.aws/credentials"
        case .credentialSource(let source, let reason):
            return "could not get credentials from \(source): \(reason)"
        case .profileNotFound(let name, let files, let existing):
            let there = existing.isEmpty ? "they hold no profiles" : "profiles there: \(existing.joined(separator: ", "))"
            let hint = Suggestion.nearest(to: name, among: existing).map { "did you mean '\($0)'? " } ?? ""
            return "no profile '\(name)' in \(files.joined(separator: " or ")) (\(there)); \(hint)fix --profile or AWS_PROFILE, or add the profile (aws configure --profile \(name))"
        case .badEndpoint(let text):
            return "'\(text)' is not an endpoint URL; give one like http://127.0.0.1:5000 or https://lambda.us-east-1.amazonaws.com"
        case .noRegion:
            return "no AWS region set; pass --region, set AWS_REGION, or give the profile a region in ~/.aws/config"
        case .badRegion(let region, let suggestion):
            return "'\(region)' is not an AWS region\(suggestion.map { "; did you mean '\($0)'?" } ?? " (they look like us-east-1)")"
        case .malformedResponse(let service, let operation, let reason):
            return "\(service.rawValue) \(operation) answered with something unreadable: \(reason)"
        }
    }
}

extension AWSError.Failure: CustomStringConvertible {
    public var description: String {
        let said = message.isEmpty ? code : "\(code): \(message)"
        let base = "\(service.rawValue) \(operation) failed (\(said))"
        switch code {
        case "AccessDenied", "AccessDeniedException", "AuthorizationError":
            return "\(base); the credentials lack permission for \(service.rawValue):\(operation): grant it in their IAM policy"
        case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId":
            return "\(base); the access key is not known to AWS: check AWS_ACCESS_KEY_ID or the profile"
        case "SignatureDoesNotMatch", "InvalidSignatureException":
            return "\(base); the secret key does not belong to the access key, or the clock is off: check AWS_SECRET_ACCESS_KEY or the profile"
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
            return "\(base); the session token has expired: get new credentials (aws sso login, or your CI's role step)"
        case "ResourceConflictException":
            return "\(base); another update to this function is in progress: wait for it and deploy again"
        case "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown":
            return "\(base) after retries; AWS is throttling this account: deploy fewer functions at once or retry later"
        case "CodeStorageExceededException":
            return "\(base); the account's code storage is full: delete old versions or layers"
        default:
            return base
        }
    }
}
