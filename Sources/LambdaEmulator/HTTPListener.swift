public import NIOCore
import NIOConcurrencyHelpers
import NIOHTTP1
public import NIOPosix

/// A listening HTTP/1.1 socket that knows its open connections, so closing it closes them all
/// (a runtime's long poll, a client waiting on a stream): the emulator's port and `watch`'s.
public final class HTTPListener: Sendable {
    /// The port it listens on (the kernel's pick when asked for 0).
    public let port: Int
    private let server: any Channel
    private let connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>

    private init(port: Int, server: any Channel, connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>) {
        self.port = port
        self.server = server
        self.connections = connections
    }

    /// Binds `host:port` and serves each connection with the HTTP server pipeline followed by
    /// the handler `makeHandler` gives (called on the connection's event loop). Throws the
    /// socket's error, in the system's words (see `EmulatorError.reason`), when it cannot bind.
    public static func bind(
        host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> HTTPListener {
        let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let key = ObjectIdentifier(channel)
                connections.withLockedValue { $0[key] = channel }
                channel.closeFuture.whenComplete { _ in
                    _ = connections.withLockedValue { $0.removeValue(forKey: key) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: false, withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
        let server = try await bootstrap.bind(host: host, port: port).get()
        return HTTPListener(port: server.localAddress?.port ?? port, server: server, connections: connections)
    }

    /// Stops listening and closes every open connection. Idempotent.
    public func close() async {
        try? await server.close()
        for channel in connections.withLockedValue({ Array($0.values) }) {
            try? await channel.close()
        }
    }
}

/// A request body assembled up to a limit (Lambda's 6 MB payload): past it the bytes are
/// dropped and `tooLarge` says so, so the request is refused (413) without holding it.
public struct BoundedBody: Sendable {
    public let limit: Int
    public private(set) var bytes: [UInt8] = []
    public private(set) var tooLarge = false

    public init(limit: Int) {
        self.limit = limit
    }

    public mutating func append(_ chunk: ByteBuffer) {
        guard !tooLarge else { return }
        if bytes.count + chunk.readableBytes > limit {
            tooLarge = true
            bytes = []
        } else {
            bytes.append(contentsOf: chunk.readableBytesView)
        }
    }
}
