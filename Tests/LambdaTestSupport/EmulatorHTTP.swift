// The emulator's HTTP/1.1 server side over POSIX sockets: reading requests (Content-Length or
// chunked bodies, keep-alive) and writing responses. Foundation on Linux has no server sockets,
// and the emulator must not depend on packages, so this is done by hand, with every read bounded.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One parsed request.
struct EmulatorRequest {
    var method: String
    /// The path, without any query string.
    var path: String
    var version: String
    /// Header fields in order, names lowercased.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first header called `name` (case-insensitive).
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// Whether the client asked for the connection to end after this request (HTTP/1.0 ends
    /// by default, HTTP/1.1 persists by default).
    var wantsClose: Bool {
        let tokens = (header("connection") ?? "").lowercased().split(separator: ",").map { trimOWS(String($0)) }
        return version == "HTTP/1.0" ? !tokens.contains("keep-alive") : tokens.contains("close")
    }
}

/// A response to send; always framed with Content-Length.
struct EmulatorResponse {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    /// A JSON body in the shape the Runtime API uses for its own errors.
    static func error(_ status: Int, type: String, message: String) -> EmulatorResponse {
        let body = "{\"errorMessage\":\(jsonQuoted(message)),\"errorType\":\(jsonQuoted(type))}"
        return EmulatorResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    /// The `202 Accepted` the API gives for a recorded response or error.
    static let accepted = EmulatorResponse(
        status: 202, headers: [("Content-Type", "application/json")], body: Array("{\"status\":\"OK\"}".utf8))

    func serialized(closing: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(for: status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        if closing { head += "Connection: close\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    private static func reason(for status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Content Too Large"
        case 501: "Not Implemented"
        default: "Status \(status)"
        }
    }
}

/// Why a connection stopped producing requests.
enum ConnectionFailure: Error {
    /// The client closed the connection, or the emulator is stopping: end quietly.
    case closed
    /// The request cannot be parsed: answer with this status, then close.
    case rejected(status: Int, reason: String)
}

/// One accepted connection: buffered reads that give up when the emulator stops or the client
/// stays silent too long, and complete writes that never raise SIGPIPE.
final class EmulatorConnection {
    let fd: Int32
    private var buffer: [UInt8] = []
    private let isStopped: @Sendable () -> Bool

    static let maximumHeaderBytes = 64 * 1024
    static let maximumBodyBytes = 64 * 1024 * 1024
    /// How long a connection may sit idle between or inside requests before it is dropped.
    static let idleTimeoutMilliseconds = 120_000

    init(fd: Int32, isStopped: @escaping @Sendable () -> Bool) {
        self.fd = fd
        self.isStopped = isStopped
        #if canImport(Darwin)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    deinit { close(fd) }

    /// Reads more bytes into the buffer, polling in short steps so a stop is noticed quickly.
    private func fill() throws(ConnectionFailure) {
        var waited = 0
        while true {
            if isStopped() { throw .closed }
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollFD, 1, 100)
            if ready == 0 {
                waited += 100
                if waited >= Self.idleTimeoutMilliseconds { throw .closed }
                continue
            }
            if ready < 0 { if errno == EINTR { continue } else { throw .closed } }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else { throw .closed }
            buffer += chunk[..<count]
            return
        }
    }

    /// A line without CRLF (or bare LF), at most `limit` bytes.
    private func readLine(limit: Int) throws(ConnectionFailure) -> [UInt8] {
        var scanned = 0
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > 0 && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end <= limit else { throw .rejected(status: 400, reason: "line too long") }
                let line = Array(buffer[..<end])
                buffer.removeSubrange(...newline)
                return line
            }
            guard buffer.count <= limit + 1 else { throw .rejected(status: 400, reason: "line too long") }
            scanned = buffer.count
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws(ConnectionFailure) -> [UInt8] {
        while buffer.count < count { try fill() }
        let bytes = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return bytes
    }

    /// The next request, or `.closed` when the client ends the connection between requests.
    func readRequest() throws(ConnectionFailure) -> EmulatorRequest {
        var line = try readLine(limit: 8 * 1024)
        while line.isEmpty { line = try readLine(limit: 8 * 1024) }  // RFC 9112 2.2: skip leading empty lines
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }),
              parts[1].hasPrefix("/"), parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            throw .rejected(status: 400, reason: "malformed request line")
        }
        let path = String(parts[1].prefix { $0 != "?" })
        var request = EmulatorRequest(method: String(parts[0]), path: path, version: String(parts[2]), headers: [], body: [])
        request.headers = try readFields()

        if let encoding = request.header("transfer-encoding") {
            guard encoding.lowercased() == "chunked" else {
                throw .rejected(status: 501, reason: "unsupported Transfer-Encoding \(encoding)")
            }
            request.body = try readChunkedBody()
        } else if request.headers.contains(where: { $0.name == "content-length" }) {
            let values = Set(request.headers.filter { $0.name == "content-length" }.map(\.value))
            guard values.count == 1, let text = values.first, !text.isEmpty,
                  text.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(text) else {
                throw .rejected(status: 400, reason: "invalid Content-Length")
            }
            guard length <= Self.maximumBodyBytes else { throw .rejected(status: 413, reason: "body too large") }
            request.body = try readExactly(length)
        }
        return request
    }

    /// Header (or trailer) fields up to the empty line.
    private func readFields() throws(ConnectionFailure) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        var total = 0
        while true {
            let line = try readLine(limit: Self.maximumHeaderBytes)
            if line.isEmpty { return fields }
            total += line.count
            guard total <= Self.maximumHeaderBytes else { throw .rejected(status: 400, reason: "headers too large") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                  !line[..<colon].contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else {
                throw .rejected(status: 400, reason: "malformed header line")
            }
            fields.append((String(decoding: line[..<colon], as: UTF8.self).lowercased(),
                           trimOWS(String(decoding: line[(colon + 1)...], as: UTF8.self))))
        }
    }

    private func readChunkedBody() throws(ConnectionFailure) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = String(decoding: try readLine(limit: 1024), as: UTF8.self)
            let field = trimOWS(String(line.prefix { $0 != ";" }))
            guard !field.isEmpty, field.count <= 15, field.allSatisfy(\.isHexDigit), let size = Int(field, radix: 16) else {
                throw .rejected(status: 400, reason: "malformed chunk size")
            }
            if size == 0 {
                _ = try readFields()
                return body
            }
            guard body.count + size <= Self.maximumBodyBytes else { throw .rejected(status: 413, reason: "body too large") }
            body += try readExactly(size)
            guard try readLine(limit: 0).isEmpty else { throw .rejected(status: 400, reason: "missing CRLF after chunk") }
        }
    }

    /// Writes all of `bytes`; false when the client has gone.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(fd, base + offset, raw.count - offset, sendFlags)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Whether the client closed its side (checked while a `next` waits, so an event is not
    /// handed to a runtime that is no longer there).
    func peerHasClosed() -> Bool {
        var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollFD, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR)
    }
}

#if canImport(Glibc) || canImport(Musl)
/// MSG_NOSIGNAL: a vanished client must give EPIPE, not kill the test process with SIGPIPE.
private let sendFlags = Int32(MSG_NOSIGNAL)
#else
private let sendFlags: Int32 = 0  // Darwin: SO_NOSIGPIPE is set on the socket instead.
#endif

/// `text` without leading and trailing spaces and tabs.
private func trimOWS(_ text: String) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
        return ""
    }
    return String(text[first...last])
}

/// `text` as a JSON string literal.
private func jsonQuoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case "\u{00}"..."\u{1F}":
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
