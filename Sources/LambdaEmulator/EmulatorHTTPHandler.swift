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
        /// Already decided while the request arrived (a streamed response's 202).
        var answer: EmulatorResponse?
    }

    /// A streamed response being received: its invocation, and the refusal to send at its end
    /// when the stream could not start.
    private struct IncomingStream {
        var requestID: String
        var refusal: EmulatorResponse?
    }

    private let core: EmulatorCore
    private var head: HTTPRequestHead?
    private var body = BoundedBody(limit: EmulatorConfiguration.maximumPayloadBytes)
    private var incoming: IncomingStream?
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
            body = BoundedBody(limit: EmulatorConfiguration.maximumPayloadBytes)
            // A streamed response is passed on as it arrives, never assembled.
            incoming = EmulatorCore.streamedResponseID(head).map {
                IncomingStream(requestID: $0, refusal: core.beginStream($0, contentType: head.headers.first(name: "Content-Type")))
            }
        case .body(let chunk):
            if let incoming {
                if incoming.refusal == nil { core.streamChunk(incoming.requestID, Array(chunk.readableBytesView)) }
                return
            }
            body.append(chunk)
        case .end(let trailers):
            guard let head else { return }
            self.head = nil
            let request = EmulatorRequest(
                method: head.method.rawValue, path: head.uri, headers: head.headers, body: body.bytes, bodyTooLarge: body.tooLarge)
            body = BoundedBody(limit: EmulatorConfiguration.maximumPayloadBytes)
            var answer: EmulatorResponse?
            if let incoming {
                self.incoming = nil
                let response = incoming.refusal ?? core.endStream(incoming.requestID, trailers: trailers)
                core.noteRejection(of: request, response)
                answer = response
            }
            waiting.append(Pending(request: request, version: head.version, keepAlive: head.isKeepAlive, answer: answer))
            processNext(context: context)
        }
    }

    /// A reset or a read error ends the connection; closing it withdraws its pending poll.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let incoming, incoming.refusal == nil { core.streamInterrupted(incoming.requestID) }
        incoming = nil
        cancelPending?()
        cancelPending = nil
        waiting = []
        context.fireChannelInactive()
    }

    private func processNext(context: ChannelHandlerContext) {
        guard !busy, !waiting.isEmpty else { return }
        let pending = waiting.removeFirst()
        busy = true
        if let answer = pending.answer {
            write(answer, for: pending, context: context)
            return
        }
        switch core.handle(pending.request, on: context.eventLoop) {
        case .now(let response):
            write(response, for: pending, context: context)
        case .invocation(let invocation):
            // The observer runs under the core's lock: it only queues onto this loop, in order.
            let loop = context.eventLoop
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
            let streaming = NIOLoopBoundBox(false, eventLoop: loop)
            _ = core.enqueue(invocation) { event in
                loop.execute {
                    let (handler, context) = bound.value
                    switch event {
                    case .streamStarted(let id, let contentType):
                        streaming.value = true
                        handler.startStream(requestID: id, contentType: contentType, for: pending, context: context)
                    case .chunk(let bytes):
                        guard streaming.value else { return }
                        context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
                    case .finished(let result):
                        if streaming.value {
                            handler.end(with: InvokeAPI.trailers(result), for: pending, handsOver: nil, context: context)
                        } else {
                            handler.write(handler.core.invokeAPIResponse(result), for: pending, context: context)
                        }
                    }
                }
            }
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
        end(with: nil, for: pending, handsOver: response.handsOver, context: context)
    }

    /// Writes the head of a streamed invoke-API answer; the chunks follow as they arrive.
    private func startStream(requestID: String, contentType: String?, for pending: Pending, context: ChannelHandlerContext) {
        var headers = InvokeAPI.streamHeaders(requestID: requestID, contentType: contentType, version: core.configuration.function.version)
        if !pending.keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: pending.version, status: .ok, headers: headers))), promise: nil)
    }

    /// Ends the answer being written (with `trailers` after a chunked body), then serves the
    /// next request of the connection or closes it.
    private func end(with trailers: HTTPHeaders?, for pending: Pending, handsOver: EmulatorResponse.HandOver?, context: ChannelHandlerContext) {
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: written)
        let core = self.core
        written.futureResult.assumeIsolated().whenComplete { result in
            if case .failure = result, let handOver = handsOver { core.handOverFailed(handOver) }
            if pending.keepAlive, case .success = result {
                self.busy = false
                self.processNext(context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }
}
