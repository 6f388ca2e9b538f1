// A blocking HTTP/1.1 client over POSIX sockets for tests that must control the bytes (malformed
// requests, a client that hangs up mid-poll, keep-alive). Each call runs on a thread of its own,
// never on Swift concurrency's few cooperative threads, and gives up after a timeout.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct RawHTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The trailers of a chunked body, names lowercased.
    public var trailers: [String: String] = [:]
    /// Every header line in order, names lowercased: `headers` keeps only the last of a
    /// repeated name, and a response may repeat one (`Set-Cookie`).
    public var fields: [(name: String, value: String)] = []

    /// The values of every header line named `name` (any case), in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name.lowercased() }.map(\.value)
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (nil when it is not one).
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

public struct RawHTTPError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// One TCP connection to 127.0.0.1.
public final class RawConnection: @unchecked Sendable {
    public let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects, or throws having closed the socket. The descriptor is stored only once
    /// connected: a class whose initializer throws after its properties are set still runs
    /// `deinit`, and a second `close` of a number another thread has reused since (a socket
    /// SwiftNIO just accepted) would close that instead.
    public init(port: Int, timeout: Duration = .seconds(120)) throws {
        fd = try Self.open(port: port, timeout: timeout)
    }

    private static func open(port: Int, timeout: Duration) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket failed: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 && errno == EINTR {
            // Interrupted by a signal (see `fill`): the connection goes on in the background;
            // wait until it is writable and read how it ended.
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            while poll(&descriptor, 1, Int32(timeout.components.seconds * 1000)) < 0 && errno == EINTR {}
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
            connected = descriptor.revents & Int16(POLLOUT) != 0 && failure == 0 ? 0 : -1
            if failure != 0 { errno = failure }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw RawHTTPError(description: "connect to port \(port) failed: \(reason)")
        }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var rest = bytes[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { sendNoSignal(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw RawHTTPError(description: "send failed: \(String(cString: strerror(errno)))") }
            rest = rest.dropFirst(written)
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads one response: headers, then a Content-Length or chunked body (or to the end of
    /// the stream).
    public func readResponse() throws -> RawHTTPResponse {
        var response = try readHead()
        if response.status == 204 || response.status == 304 || (100..<200).contains(response.status) { return response }
        if response.headers["transfer-encoding"]?.lowercased() == "chunked" {
            let rest = try readChunkedRest()
            response.body = rest.body
            response.trailers = rest.trailers
            return response
        }
        if let length = response.headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < length { try fill() }
            response.body = Array(buffer[..<length])
            buffer.removeSubrange(..<length)
            return response
        }
        while (try? fill()) != nil {}
        defer { buffer = [] }
        response.body = buffer
        return response
    }

    /// The rest of a chunked body and its trailers, after `readHead` and any `readChunk`.
    public func readChunkedRest() throws -> RawHTTPResponse {
        var rest = RawHTTPResponse(status: 0, headers: [:], body: [])
        while true {
            switch try readChunk() {
            case .data(let bytes): rest.body += bytes
            case .end(let trailers):
                rest.trailers = trailers
                return rest
            }
        }
    }

    public enum Chunk: Equatable, Sendable {
        case data([UInt8])
        /// The last chunk, with the trailers (names lowercased).
        case end([String: String])
    }

    /// The next chunk of a chunked body, as soon as it has arrived whole.
    public func readChunk() throws -> Chunk {
        let sizeLine = try readLine()
        guard let size = Int(sizeLine.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
            throw RawHTTPError(description: "bad chunk size line '\(sizeLine)'")
        }
        if size == 0 {
            var trailers: [String: String] = [:]
            while true {
                let line = try readLine()
                if line.isEmpty { return .end(trailers) }
                guard let colon = line.firstIndex(of: ":") else { continue }
                trailers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        while buffer.count < size + 2 { try fill() }
        let bytes = Array(buffer[..<size])
        buffer.removeSubrange(..<(size + 2))
        return .data(bytes)
    }

    private func readLine() throws -> String {
        while true {
            if let index = buffer.indices.dropLast().first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 }) {
                let line = String(decoding: buffer[..<index], as: UTF8.self)
                buffer.removeSubrange(..<(index + 2))
                return line
            }
            try fill()
        }
    }

    /// Reads a response's status line and headers only; the body is read separately.
    public func readHead() throws -> RawHTTPResponse {
        while findHeaderEnd() == nil { try fill() }
        let end = findHeaderEnd()!
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeSubrange(..<(end + 4))
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawHTTPError(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        var fields: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
            fields.append((name, value))
        }
        return RawHTTPResponse(status: status, headers: headers, body: [], fields: fields)
    }

    /// True when the server closed the connection (reads the end of the stream).
    public func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        while true {
            let count = recv(fd, &byte, 1, 0)
            if count < 0 && errno == EINTR { continue }
            return count == 0
        }
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var count: Int
        // A signal with a handler interrupts recv even under SA_RESTART, since the socket has a
        // receive timeout (signal(7)); this process has handlers (glibc's own, the backtracer's).
        repeat {
            count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        } while count < 0 && errno == EINTR
        guard count > 0 else {
            throw RawHTTPError(description: count == 0 ? "connection closed" : "recv failed: \(String(cString: strerror(errno)))")
        }
        buffer += chunk[..<count]
    }
}

public enum RawHTTP {
    /// Runs `body` on a new thread and returns its result.
    public static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// One request on a fresh connection (closed afterwards).
    public static func request(
        _ method: String, _ path: String, port: Int, headers: [String: String] = [:], body: [UInt8] = []
    ) async throws -> RawHTTPResponse {
        try await onThread {
            let connection = try RawConnection(port: port)
            try connection.send(requestBytes(method, path, headers: headers, body: body))
            return try connection.readResponse()
        }
    }

    /// Sends `raw` bytes as they are and reads one response.
    public static func raw(_ raw: String, port: Int) async throws -> RawHTTPResponse {
        try await onThread {
            let connection = try RawConnection(port: port)
            try connection.send(raw)
            return try connection.readResponse()
        }
    }

    public static func requestBytes(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }
}

/// `send` without SIGPIPE when the server has gone.
private func sendNoSignal(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    return send(fd, bytes, count, 0)
    #endif
}
