import NIOCore
import NIOHTTP1

/// One connection: assembles requests, asks the core, writes the replies in request order.
///
/// SwiftNIO's pipelining helper is deliberately not used: it stops reading while a response is
/// pending, so a runtime that dies during a long `next` poll would go unnoticed and the next
/// invocation would be handed to a dead connection. Reading on, the closed connection is seen
/// at once and its poll withdrawn; a request pipelined behind a pending one waits here instead.
final class EmulatorHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Pending {
        var request: EmulatorRequest
        var version: HTTPVersion
        var keepAlive: Bool
    }

    private let core: EmulatorCore
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    private var waiting: [Pending] = []
    private var busy = false
    /// Withdraws the long poll (or other pending reply) of this connection.
    private var cancelPending: (@Sendable () -> Void)?

    init(core: EmulatorCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            bodyTooLarge = false
        case .body(let chunk):
            guard !bodyTooLarge else { return }
            if body.count + chunk.readableBytes > EmulatorConfiguration.maximumPayloadBytes {
                bodyTooLarge = true
                body = []
            } else {
                body.append(contentsOf: chunk.readableBytesView)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let request = EmulatorRequest(
                method: head.method.rawValue, path: head.uri, headers: head.headers, body: body, bodyTooLarge: bodyTooLarge)
            body = []
            waiting.append(Pending(request: request, version: head.version, keepAlive: head.isKeepAlive))
            processNext(context: context)
        }
    }

    /// A reset or a read error ends the connection; closing it withdraws its pending poll.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelPending?()
        cancelPending = nil
        waiting = []
        context.fireChannelInactive()
    }

    private func processNext(context: ChannelHandlerContext) {
        guard !busy, !waiting.isEmpty else { return }
        let pending = waiting.removeFirst()
        busy = true
        switch core.handle(pending.request, on: context.eventLoop) {
        case .now(let response):
            write(response, for: pending, context: context)
        case .later(let future, let cancel):
            cancelPending = cancel
            future.hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                self.cancelPending = nil
                switch result {
                case .success(let response): self.write(response, for: pending, context: context)
                case .failure: context.close(promise: nil)  // withdrawn, or the emulator stopped
                }
            }
        }
    }

    private func write(_ response: EmulatorResponse, for pending: Pending, context: ChannelHandlerContext) {
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !pending.keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: pending.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let core = self.core
        written.futureResult.assumeIsolated().whenComplete { result in
            if case .failure = result, let handOver = response.handsOver { core.handOverFailed(handOver) }
            if pending.keepAlive, case .success = result {
                self.busy = false
                self.processNext(context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }
}
