import Foundation
import LambdaEmulator
import LambdaInvoke
import NIOHTTP1

/// `watch`'s one port: the invoke API for every function, and each function's URL under
/// `/lambda-url/NAME/`, both passing a streamed answer on as it arrives.
public struct WatchRouter: Sendable {
    public let pools: [String: FunctionPool]
    public static let urlPrefix = "/lambda-url/"

    public init(pools: [String: FunctionPool]) {
        self.pools = pools
    }

    private var served: String { pools.keys.sorted().joined(separator: ", ") }

    public func handle(_ request: GatewayRequest, _ responder: GatewayResponder) async {
        if let name = InvokeAPI.functionName(path: request.path) {
            await invokeAPI(name, request, responder)
        } else if request.path.hasPrefix(Self.urlPrefix) {
            await functionURL(request, responder)
        } else {
            refuse(
                InvokeAPI.Refusal(
                    status: 404, type: "NotFound",
                    message: "no route for \(request.method) \(request.path); use POST /2015-03-31/functions/NAME/invocations or \(Self.urlPrefix)NAME/, where NAME is one of: \(served)"),
                responder)
        }
    }

    private func refuse(_ refusal: InvokeAPI.Refusal, _ responder: GatewayResponder) {
        responder.send(status: refusal.status, headers: refusal.headers, body: refusal.body)
    }

    private func notFound(_ name: String) -> InvokeAPI.Refusal {
        InvokeAPI.Refusal(
            status: 404, type: "ResourceNotFoundException", message: "Function not found: \(name); this watch serves: \(served)")
    }

    private func invokeAPI(_ name: String, _ request: GatewayRequest, _ responder: GatewayResponder) async {
        guard request.method == "POST" else {
            return refuse(InvokeAPI.Refusal(status: 405, type: "MethodNotAllowed", message: "\(request.path) takes POST, not \(request.method)"), responder)
        }
        guard let pool = pools[name] else { return refuse(notFound(name), responder) }
        guard !request.bodyTooLarge else {
            return refuse(InvokeAPI.Refusal(
                status: 413, type: "RequestTooLargeException",
                message: "the body is larger than \(EmulatorConfiguration.maximumPayloadBytes) bytes, Lambda's limit"), responder)
        }
        let invocation: InvocationRequest
        switch InvokeAPI.invocation(headers: request.headers, body: request.body) {
        case .failure(let refusal): return refuse(refusal, responder)
        case .success((_, .dryRun)): return responder.send(status: 204, headers: [:], body: [])
        case .success((let parsed, .event)):
            Task { _ = await pool.invoke(parsed) }
            return responder.send(status: 202, headers: [:], body: [])
        case .success((let parsed, _)): invocation = parsed
        }
        let version = await pool.settings.overrides["AWS_LAMBDA_FUNCTION_VERSION"] ?? "$LATEST"
        var streaming = false
        for await event in Self.events(of: invocation, on: pool) {
            switch event {
            case .streamStarted(let id, let contentType):
                streaming = true
                responder.start(status: 200, headers: InvokeAPI.streamHeaders(requestID: id, contentType: contentType, version: version))
            case .chunk(let bytes):
                if streaming { responder.write(bytes) }
            case .finished(let result):
                if streaming {
                    responder.end(trailers: InvokeAPI.trailers(result))
                } else {
                    let (headers, body) = InvokeAPI.answer(result, version: version)
                    responder.send(status: 200, headers: headers, body: body)
                }
            }
        }
    }

    /// A function URL request: the payload-2.0 event in, the answer mapped back as Lambda maps
    /// it; a streamed answer's prelude becomes the status and headers, its body passes at once.
    private func functionURL(_ request: GatewayRequest, _ responder: GatewayResponder) async {
        let rest = request.path.dropFirst(Self.urlPrefix.count)
        let name = String(rest.prefix { $0 != "/" })
        guard let pool = pools[name] else { return refuse(notFound(name), responder) }
        guard !request.bodyTooLarge else {
            return responder.send(status: 413, headers: ["Content-Type": "text/plain"], body: Array("Request Entity Too Large".utf8))
        }
        let path = String(rest.dropFirst(name.count))
        let event = FunctionURLMapping.event(FunctionURLMapping.Request(
            method: request.method, path: path.isEmpty ? "/" : path, query: request.query,
            headers: request.headers.map { ($0.name, $0.value) }, body: request.body, sourceIP: request.sourceIP,
            requestID: UUID().uuidString.lowercased(), time: Date(), domainName: request.headers.first(name: "Host") ?? "localhost"))
        var body: StreamedBody?
        var started = false
        func start(status: Int, headers: HTTPHeaders) {
            guard !started else { return }
            started = true
            responder.start(status: status, headers: headers)
        }
        for await part in Self.events(of: InvocationRequest(payload: event), on: pool) {
            switch part {
            case .streamStarted(_, let contentType):
                body = StreamedBody(contentType: contentType)
            case .chunk(let bytes):
                guard var stream = body else { continue }
                for piece in stream.take(bytes) { Self.write(piece, start: start, responder) }
                body = stream
            case .finished(let result):
                if var stream = body {
                    for piece in stream.finish() { Self.write(piece, start: start, responder) }
                    start(status: 200, headers: ["Content-Type": "application/octet-stream"])
                    responder.end(trailers: nil)
                } else if case .response(let payload) = result.outcome {
                    let answer = FunctionURLMapping.response(payload)
                    var headers = HTTPHeaders()
                    for (name, value) in answer.headers { headers.add(name: name, value: value) }
                    responder.send(status: answer.status, headers: headers, body: answer.body)
                } else {
                    // Lambda's function URLs answer a function error, a timeout or a crash so.
                    responder.send(status: 502, headers: ["Content-Type": "text/plain"], body: Array("Internal Server Error".utf8))
                }
            }
        }
    }

    private static func write(_ part: StreamedBody.Part, start: (Int, HTTPHeaders) -> Void, _ responder: GatewayResponder) {
        switch part {
        case .prelude(let prelude):
            var headers = HTTPHeaders()
            for line in prelude.headers {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            for cookie in prelude.cookies { headers.add(name: "Set-Cookie", value: cookie) }
            start(prelude.statusCode ?? 200, headers)
        case .body(let bytes):
            start(200, ["Content-Type": "application/octet-stream"])
            responder.write(bytes)
        }
    }

    /// The invocation's events in order, ending with `.finished`.
    static func events(of request: InvocationRequest, on pool: FunctionPool) -> AsyncStream<InvocationEvent> {
        let (events, continuation) = AsyncStream.makeStream(of: InvocationEvent.self)
        Task {
            _ = await pool.invoke(request) { event in
                continuation.yield(event)
                if case .finished = event { continuation.finish() }
            }
        }
        return events
    }
}
