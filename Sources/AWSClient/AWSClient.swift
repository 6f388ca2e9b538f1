public import Foundation

/// Retries of throttled and failed-over requests: bounded, with exponential backoff and jitter.
/// AWS calls and registry pushes (OCIRegistry) both retry by it.
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var baseDelay: Double
    public var maximumDelay: Double

    public init(attempts: Int = 5, baseDelay: Double = 0.2, maximumDelay: Double = 5) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    public static let none = RetryPolicy(attempts: 1)

    public func delay(afterAttempt attempt: Int) -> Double {
        min(maximumDelay, baseDelay * pow(2, Double(attempt - 1))) * Double.random(in: 0.5...1)
    }

    static let retriedCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
        "ProvisionedThroughputExceededException", "SlowDown", "ServiceUnavailable", "ServiceException", "InternalFailure",
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    ]

    static func isRetried(status: Int, code: String) -> Bool {
        retriedCodes.contains(code) || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }
}

/// Signed requests to AWS: the region, the endpoints, credentials found once per run, and a
/// transport. Each service's calls (`LambdaAPI`, `IAMAPI`, `STSAPI`, `S3API`) are thin
/// extensions over `send`.
public struct AWSClient: Sendable {
    public var region: String
    public var endpoints: AWSEndpoints
    public var credentials: any AWSCredentialsProvider
    public var transport: any HTTPTransport
    public var retry: RetryPolicy
    /// Each request and answer in one line (no secrets): `-v`.
    public var trace: (@Sendable (String) -> Void)?
    /// The time requests are signed at.
    public var now: @Sendable () -> Date

    public init(
        region: String, endpoints: AWSEndpoints, credentials: any AWSCredentialsProvider,
        transport: any HTTPTransport = CurlTransport(), retry: RetryPolicy = RetryPolicy(),
        trace: (@Sendable (String) -> Void)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.endpoints = endpoints
        self.credentials = credentials
        self.transport = transport
        self.retry = retry
        self.trace = trace
        self.now = now
    }

    /// Signs and sends, retrying what AWS asks to be retried; an error answer becomes `AWSError.service`.
    /// `payloadHash` saves hashing a large body twice.
    public func send(
        _ service: AWSService, operation: String, method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [HTTPHeader] = [], body: Data = Data(), payloadHash: String? = nil, signed: Bool = true
    ) async throws -> HTTPResponse {
        let request = HTTPRequest(
            method: method, endpoint: endpoints.url(for: service), path: path, query: query, headers: headers, body: body)
        var attempt = 0
        while true {
            attempt += 1
            var outgoing = request
            if signed {
                outgoing = SigV4.sign(
                    request, credentials: try await credentials.credentials(), region: endpoints.signingRegion(for: service),
                    service: service.signingName, date: now(), payloadHash: payloadHash)
            }
            let response: HTTPResponse
            do {
                response = try await transport.send(outgoing)
            } catch let error as TransportError {
                trace?("\(service.rawValue) \(operation): \(error.message)")
                // A name that does not resolve will not resolve on a retry.
                if error.kind != .unresolvedHost, attempt < retry.attempts {
                    try await Task.sleep(for: .seconds(retry.delay(afterAttempt: attempt)))
                    continue
                }
                throw AWSError.transport(error, service: service, region: region)
            }
            trace?("\(service.rawValue) \(operation) \(method) \(request.path) -> \(response.status) (\(response.body.count) bytes)")
            if (200..<300).contains(response.status) { return response }
            let failure = Self.failure(response, service: service, operation: operation)
            if RetryPolicy.isRetried(status: response.status, code: failure.code), attempt < retry.attempts {
                try await Task.sleep(for: .seconds(retry.delay(afterAttempt: attempt)))
                continue
            }
            throw AWSError.service(failure)
        }
    }

    /// The error in an answer: JSON (`x-amzn-ErrorType`, `__type`, `Type`, `message`/`Message`)
    /// or XML (`<Error><Code>` of the query and REST-XML protocols).
    static func failure(_ response: HTTPResponse, service: AWSService, operation: String) -> AWSError.Failure {
        var code = response.headers["x-amzn-errortype"].map { String($0.split(separator: ":").first ?? "") } ?? ""
        var message = response.headers["x-amzn-errormessage"] ?? ""
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] {
            if code.isEmpty, let type = (object["__type"] as? String) ?? (object["Type"] as? String) ?? (object["code"] as? String) {
                code = String(type.split(separator: "#").last ?? "")
            }
            if let text = (object["message"] as? String) ?? (object["Message"] as? String) { message = text }
        } else if let tree = try? XMLTree.parse(response.body) {
            let error = tree.name == "Error" ? tree : tree.first("Error")
            if let text = error?["Code"]?.text, !text.isEmpty { code = text }
            if let text = error?["Message"]?.text { message = text }
        }
        if code.isEmpty {
            code = switch response.status {
            case 403: "AccessDenied"
            case 404: "NotFound"
            case 429: "TooManyRequestsException"
            default: "HTTP\(response.status)"
            }
        }
        return AWSError.Failure(
            service: service, operation: operation, status: response.status, code: code, message: message,
            requestID: response.headers["x-amzn-requestid"] ?? response.headers["x-amz-request-id"])
    }

    /// A JSON REST call (Lambda): the body encoded, the answer decoded into `Answer`.
    public func json<Answer: Decodable>(
        _ service: AWSService, operation: String, method: String, path: String, query: [(name: String, value: String)] = [],
        body: (any Encodable)? = nil, as answer: Answer.Type
    ) async throws -> Answer {
        let response = try await jsonCall(service, operation: operation, method: method, path: path, query: query, body: body)
        do {
            return try JSONDecoder().decode(Answer.self, from: response.body.isEmpty ? Data("{}".utf8) : response.body)
        } catch {
            throw AWSError.malformedResponse(service: service, operation: operation, reason: "\(error)")
        }
    }

    /// A JSON REST call whose answer is not read (or read raw).
    @discardableResult
    public func jsonCall(
        _ service: AWSService, operation: String, method: String, path: String, query: [(name: String, value: String)] = [],
        body: (any Encodable)? = nil, headers: [HTTPHeader] = []
    ) async throws -> HTTPResponse {
        var data = Data()
        var headers = headers
        if let body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            data = try encoder.encode(body)
            headers.append(HTTPHeader("Content-Type", "application/json"))
        }
        return try await send(service, operation: operation, method: method, path: path, query: query, headers: headers, body: data)
    }

    /// A query-protocol call (IAM, STS): form-encoded `Action`, `Version` and parameters; the XML answer.
    public func query(
        _ service: AWSService, action: String, version: String, parameters: [(name: String, value: String)] = [], signed: Bool = true
    ) async throws -> XMLTree {
        let form = ([("Action", action), ("Version", version)] + parameters)
            .map { "\(SigV4.encode($0.0))=\(SigV4.encode($0.1))" }.joined(separator: "&")
        let response = try await send(
            service, operation: action, method: "POST", path: "/",
            headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Data(form.utf8),
            signed: signed)
        do {
            return try XMLTree.parse(response.body)
        } catch {
            throw AWSError.malformedResponse(service: service, operation: action, reason: "\(error)")
        }
    }
}
