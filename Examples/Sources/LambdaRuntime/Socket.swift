// A blocking TCP connection over POSIX sockets.
//
// The runtime talks to the Runtime API on the same host, one request at a time, so blocking I/O
// is the simplest correct choice: no event loop, no threads, and no Foundation (which would
// add tens of megabytes and a GLIBC_2.35 requirement to every function that uses this target).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// glibc imports the socket-type constants as members of an enum; musl as plain integers.
#if canImport(Glibc)
private let socketStream = Int32(SOCK_STREAM.rawValue)
private let socketCloseOnExec = Int32(SOCK_CLOEXEC.rawValue)
#else
private let socketStream = Int32(SOCK_STREAM)
private let socketCloseOnExec = Int32(SOCK_CLOEXEC)
#endif
private let noSignal = Int32(MSG_NOSIGNAL)

/// The calling thread's `errno`, read through the C library rather than the `errno` property of
/// Swift's Glibc module: that property lives in an object file of the static Glibc overlay that
/// also wraps `hypotf`, and using it makes the binary need GLIBC_2.35 (measured with Swift 6.3.1),
/// which Amazon Linux 2023 (glibc 2.34) does not have.
func lastErrno() -> Int32 {
    __errno_location().pointee
}

/// A failure to reach or talk to the Runtime API. Lambda's answer to these is to restart the
/// runtime, so callers report them and exit rather than retry.
struct TransportError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// An error naming the failed operation and the `errno` it left.
    static func posix(_ operation: String, _ code: Int32 = lastErrno()) -> TransportError {
        TransportError("\(operation): \(String(cString: strerror(code))) (errno \(code))")
    }
}

/// An open TCP connection; closed when the value goes away, so no path can leak the descriptor.
final class TCPConnection {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects to `host` (a name, or a numeric IPv4/IPv6 address) on `port`, trying every
    /// address the resolver returns, as `localhost` may resolve to `::1` before `127.0.0.1`.
    static func connect(host: String, port: UInt16) throws(TransportError) -> TCPConnection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = socketStream
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            throw TransportError("cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(first) }

        var lastError = TransportError("no address for \(host)")
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | socketCloseOnExec, info.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = .posix("socket")
                continue
            }
            let connection = TCPConnection(fd: fd)
            if systemConnect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                return connection
            }
            let code = lastErrno()
            // An interrupted connect keeps going in the background: wait for it to finish.
            if code == EINTR, connection.waitForPendingConnect() {
                return connection
            }
            lastError = .posix("connect to \(host):\(port)", code == EINTR ? connection.pendingError() : code)
        }
        throw lastError
    }

    /// Waits for a connect interrupted by a signal; true when it succeeded.
    private func waitForPendingConnect() -> Bool {
        var pollFD = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let ready = poll(&pollFD, 1, -1)
            if ready < 0 && lastErrno() == EINTR { continue }
            return ready == 1 && pendingError() == 0
        }
    }

    /// The socket's pending error (`SO_ERROR`), 0 when none.
    private func pendingError() -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return lastErrno() }
        return value
    }

    /// Writes every byte, resuming after partial writes and signals.
    func writeAll(_ bytes: [UInt8]) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                // MSG_NOSIGNAL: a peer that went away must give EPIPE, not kill us with SIGPIPE.
                return send(fd, base + offset, buffer.count - offset, noSignal)
            }
            if written < 0 {
                if lastErrno() == EINTR { continue }
                throw .posix("send")
            }
            offset += written
        }
    }

    /// Reads what is available (up to `maximum` bytes), blocking until at least one byte arrives;
    /// an empty array means the peer closed the connection.
    func readSome(maximum: Int = 65_536) throws(TransportError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                recv(fd, buffer.baseAddress, buffer.count, 0)
            }
            if count < 0 {
                if lastErrno() == EINTR { continue }
                throw .posix("recv")
            }
            chunk.removeSubrange(count...)
            return chunk
        }
    }
}

/// `connect` is shadowed by `TCPConnection.connect` inside the class; this names the C function.
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>!, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
