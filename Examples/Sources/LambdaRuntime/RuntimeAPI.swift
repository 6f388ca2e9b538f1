// The Runtime API endpoints, over the HTTP client.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Runtime API at `AWS_LAMBDA_RUNTIME_API` (base path `/2018-06-01/runtime/`).
struct RuntimeAPI {
    let client: HTTPClient

    /// The API named by `AWS_LAMBDA_RUNTIME_API`; exits with a message when it is missing or
    /// malformed, since without it the process cannot be a Lambda runtime at all.
    static func fromEnvironment() -> RuntimeAPI {
        guard let raw = getenv("AWS_LAMBDA_RUNTIME_API"), case let value = String(cString: raw), !value.isEmpty else {
            exitWithMessage("AWS_LAMBDA_RUNTIME_API is not set; this program must run as an AWS Lambda function")
        }
        guard let (host, port) = parseEndpoint(value) else {
            exitWithMessage("AWS_LAMBDA_RUNTIME_API=\(value) is not HOST:PORT")
        }
        return RuntimeAPI(client: HTTPClient(host: host, port: port))
    }

    /// Splits `host:port`, `[ipv6]:port`, or a bare `host` (port 80).
    static func parseEndpoint(_ value: String) -> (host: String, port: UInt16)? {
        var host: Substring
        var portText: Substring?
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]") else { return nil }
            host = value[value.index(after: value.startIndex)..<close]
            let rest = value[value.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else if let colon = value.lastIndex(of: ":") {
            host = value[..<colon]
            portText = value[value.index(after: colon)...]
            guard !host.contains(":") else { return nil }  // an IPv6 literal needs brackets
        } else {
            host = value[...]
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (String(host), 80) }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(portText), port > 0 else {
            return nil
        }
        return (String(host), port)
    }

    /// Long-polls `invocation/next` until Lambda has an event for us.
    func nextInvocation() throws(TransportError) -> (event: [UInt8], context: LambdaContext) {
        let response = try client.send(method: "GET", path: "/2018-06-01/runtime/invocation/next")
        guard response.status == 200 else {
            throw TransportError("invocation/next answered \(response.status): \(String(decoding: response.body.prefix(500), as: UTF8.self))")
        }
        guard let requestID = response.header("Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty else {
            throw TransportError("invocation/next answered without Lambda-Runtime-Aws-Request-Id")
        }
        let context = LambdaContext(
            requestID: requestID,
            deadlineMilliseconds: response.header("Lambda-Runtime-Deadline-Ms").flatMap { Int64($0) } ?? 0,
            invokedFunctionARN: response.header("Lambda-Runtime-Invoked-Function-Arn") ?? "",
            traceID: response.header("Lambda-Runtime-Trace-Id") ?? "",
            clientContext: response.header("Lambda-Runtime-Client-Context"),
            cognitoIdentity: response.header("Lambda-Runtime-Cognito-Identity")
        )
        return (response.body, context)
    }

    /// Posts `error` to `path` with its type in `Lambda-Runtime-Function-Error-Type`.
    func post(_ path: String, error: LambdaError) throws(TransportError) {
        // Control characters (a line break above all) cannot travel in a header value.
        let type = String(String.UnicodeScalarView(error.errorType.unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0x7F
        }))
        try post(path, headers: [("Lambda-Runtime-Function-Error-Type", type),
                                 ("Content-Type", "application/json")], body: error.jsonBody)
    }

    /// Posts `body` to `runtime/<path>`. A 4xx answer (an unknown or finished invocation, a
    /// response too large) is reported and skipped, as the runtime can still serve the next
    /// event; anything else that is not 2xx means the environment is broken and throws.
    func post(_ path: String, headers: [(String, String)] = [], body: [UInt8]) throws(TransportError) {
        let response = try client.send(method: "POST", path: "/2018-06-01/runtime/\(path)", headers: headers, body: body)
        let detail = String(decoding: response.body.prefix(500), as: UTF8.self)
        switch response.status {
        case 200..<300: return
        case 400..<500: writeStderr("lambda runtime: \(path) answered \(response.status): \(detail)\n")
        default: throw TransportError("\(path) answered \(response.status): \(detail)")
        }
    }
}
