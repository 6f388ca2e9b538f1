import LambdaEmulator
import NIOConcurrencyHelpers
public import NIOCore
public import NIOHTTP1
public import NIOPosix

/// A request as the gateway received it, whole (bodies up to Lambda's 6 MB payload limit).
public struct GatewayRequest: Sendable {
    public var method: String
    /// The request target: path and query, as sent.
    public var target: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The body went past `maximumBody`; what came was dropped.
    public var bodyTooLarge: Bool
    /// The client's address (`127.0.0.1`).
    public var sourceIP: String

    public init(method: String, target: String, headers: HTTPHeaders, body: [UInt8], bodyTooLarge: Bool = false, sourceIP: String) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        self.sourceIP = sourceIP
    }

    public var path: String { String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") }
    public var query: String {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return String(target[target.index(after: mark)...])
    }
}

/// How a request is answered: whole (`send`), or streamed (`start`, `write`..., `end`). Each call
/// is queued onto the connection's event loop in order, so a handler may call from any task.
public struct GatewayResponder: Sendable {
    let connection: NIOLoopBound<(handler: GatewayHTTPHandler, context: ChannelHandlerContext)>
    let loop: any EventLoop

    public func send(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        start(status: status, headers: headers)
        if !body.isEmpty { write(body) }
        end(trailers: nil)
    }

    /// Begins a streamed answer; without `Content-Length` in `headers` it is chunked.
    public func start(status: Int, headers: HTTPHeaders) {
        loop.execute { [connection] in connection.value.handler.writeHead(status: status, headers: headers, context: connection.value.context) }
    }

    public func write(_ bytes: [UInt8]) {
        loop.execute { [connection] in connection.value.handler.writeBody(bytes, context: connection.value.context) }
    }

    public func end(trailers: HTTPHeaders?) {
        loop.execute { [connection] in connection.value.handler.writeEnd(trailers: trailers, context: connection.value.context) }
    }
}

/// One HTTP/1.1 port whose every request goes to an async handler that answers through a
/// `GatewayResponder`: `watch`'s single port in front of all its functions. Requests of one
/// connection are answered in order; connections run at once.
public final class GatewayServer: Sendable {
    public typealias Handler = @Sendable (GatewayRequest, GatewayResponder) async -> Void

    /// The address it listens on and the port (the kernel's pick when asked for 0).
    public let host: String
    public let port: Int
    private let listener: HTTPListener

    private init(host: String, listener: HTTPListener) {
        self.host = host
        self.port = listener.port
        self.listener = listener
    }

    /// `host:port`, bracketed for IPv6.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func start(
        host: String, port: Int, maximumBody: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        handler: @escaping Handler
    ) async throws -> GatewayServer {
        let listener: HTTPListener
        do {
            listener = try await HTTPListener.bind(host: host, port: port, group: group) {
                GatewayHTTPHandler(maximumBody: maximumBody, handler: handler)
            }
        } catch {
            throw WatchError.cannotListen(address: host, port: port, reason: EmulatorError.reason(error))
        }
        return GatewayServer(host: host, listener: listener)
    }

    /// Stops listening and closes every connection. Idempotent.
    public func stop() async {
        await listener.close()
    }
}

/// One connection: assembles each request, hands it to the handler, writes what the responder
/// is told, then takes the next request of the connection.
final class GatewayHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let maximumBody: Int
    private let handler: GatewayServer.Handler
    private var head: HTTPRequestHead?
    private var body: BoundedBody
    private var waiting: [(GatewayRequest, HTTPRequestHead)] = []
    private var current: HTTPRequestHead?
    private var chunked = false

    init(maximumBody: Int, handler: @escaping GatewayServer.Handler) {
        self.maximumBody = maximumBody
        self.body = BoundedBody(limit: maximumBody)
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = BoundedBody(limit: maximumBody)
        case .body(let chunk):
            body.append(chunk)
        case .end:
            guard let head else { return }
            self.head = nil
            let source: String
            switch context.channel.remoteAddress {
            case .v4(let address)?: source = address.host
            case .v6(let address)?: source = address.host
            default: source = "127.0.0.1"
            }
            let request = GatewayRequest(
                method: head.method.rawValue, target: head.uri, headers: head.headers, body: body.bytes, bodyTooLarge: body.tooLarge,
                sourceIP: source)
            body = BoundedBody(limit: maximumBody)
            waiting.append((request, head))
            processNext(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func processNext(context: ChannelHandlerContext) {
        guard current == nil, !waiting.isEmpty else { return }
        let (request, head) = waiting.removeFirst()
        current = head
        let responder = GatewayResponder(connection: NIOLoopBound((self, context), eventLoop: context.eventLoop), loop: context.eventLoop)
        let handler = self.handler
        Task { await handler(request, responder) }
    }

    func writeHead(status: Int, headers: HTTPHeaders, context: ChannelHandlerContext) {
        guard let current else { return }
        var headers = headers
        chunked = !headers.contains(name: "Content-Length")
        if chunked { headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked") }
        if !current.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: current.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
    }

    func writeBody(_ bytes: [UInt8], context: ChannelHandlerContext) {
        guard current != nil, !bytes.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
    }

    func writeEnd(trailers: HTTPHeaders?, context: ChannelHandlerContext) {
        guard let current else { return }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(chunked ? trailers : nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { result in
            self.current = nil
            if current.isKeepAlive, case .success = result {
                self.processNext(context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }
}
