// A minimal HTTP/1.1 client over a POSIX socket, enough for the Extensions API that Lambda serves
// inside the execution environment. On Linux, URLSession lives in FoundationNetworking, which
// links libcurl and Foundation's tens of megabytes; this keeps the extension small and lets it be
// linked fully static.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a request failed, in words for the log.
struct HTTPError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// Where the API listens: the value of `AWS_LAMBDA_RUNTIME_API`, `host:port`.
struct Endpoint: Equatable {
    var host: String
    var port: String

    init(_ value: String) throws(HTTPError) {
        guard let colon = value.lastIndex(of: ":") else { throw HTTPError("'\(value)' is not host:port") }
        var host = String(value[..<colon])
        let port = String(value[value.index(after: colon)...])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw HTTPError("'\(value)' is not host:port")
        }
        self.host = host
        self.port = port
    }

    /// The `Host` header: IPv6 addresses in brackets.
    var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A response, read whole.
struct HTTPResponse: Equatable {
    var status: Int
    /// Header fields by lowercased name.
    var headers: [String: String]
    var body: [UInt8]

    /// Parses `bytes` as one response. Returns nil while more bytes are needed; `atEnd` says the
    /// server closed the connection, after which an incomplete response is an error.
    static func parse(_ bytes: [UInt8], atEnd: Bool) throws(HTTPError) -> HTTPResponse? {
        guard let headEnd = find(Array("\r\n\r\n".utf8), in: bytes, from: 0) else {
            if atEnd { throw HTTPError("the connection closed before the end of the response's header") }
            return nil
        }
        let lines = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n" as Character)
        let statusLine = lines.first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw HTTPError("malformed status line: \(statusLine.prefix(100))")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw HTTPError("malformed header line: \(line.prefix(100))")
            }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers[line[..<colon].lowercased()] = String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        let rest = Array(bytes[headEnd.upperBound...])
        var response = HTTPResponse(status: status, headers: headers, body: [])
        if status == 204 || status == 304 || (100..<200).contains(status) { return response }
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            guard let body = try dechunk(rest) else {
                if atEnd { throw HTTPError("the connection closed in the middle of a chunked body") }
                return nil
            }
            response.body = body
        } else if let field = headers["content-length"] {
            guard let length = Int(field), length >= 0 else { throw HTTPError("invalid Content-Length: \(field)") }
            guard rest.count >= length else {
                if atEnd { throw HTTPError("the connection closed after \(rest.count) of \(length) body bytes") }
                return nil
            }
            response.body = Array(rest[..<length])
        } else {
            guard atEnd else { return nil }  // the body ends where the connection does
            response.body = rest
        }
        return response
    }

    /// A chunked body's content, or nil when it has not all arrived yet.
    private static func dechunk(_ bytes: [UInt8]) throws(HTTPError) -> [UInt8]? {
        var body: [UInt8] = []
        var position = 0
        while true {
            guard let lineEnd = find(Array("\r\n".utf8), in: bytes, from: position) else { return nil }
            let line = String(decoding: bytes[position..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(line.prefix { $0 != ";" }.trimmingSuffix(" "), radix: 16), size >= 0 else {
                throw HTTPError("malformed chunk size: \(line.prefix(20))")
            }
            position = lineEnd.upperBound
            if size == 0 { return body }  // trailers, if any, are not needed
            guard bytes.count >= position + size + 2 else { return nil }
            body += bytes[position..<position + size]
            position += size + 2
        }
    }
}

/// Where `pattern` first occurs in `bytes` at or after `start`.
private func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Range<Int>? {
    guard start >= 0, bytes.count - pattern.count >= start else { return nil }
    for index in start...(bytes.count - pattern.count)
    where bytes[index..<index + pattern.count].elementsEqual(pattern) {
        return index..<index + pattern.count
    }
    return nil
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var text = self
        while text.last == character { text = text.dropLast() }
        return text
    }
}

/// Sends one request on a connection of its own (`Connection: close`) and reads the response.
/// A long poll such as `event/next` simply waits here until Lambda answers.
func request(
    _ method: String, _ path: String, to endpoint: Endpoint, headers: [(String, String)] = [], body: [UInt8] = []
) throws(HTTPError) -> HTTPResponse {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: \(endpoint.authority)\r\nConnection: close\r\n"
    if method != "GET" { head += "Content-Length: \(body.count)\r\n" }
    for (name, value) in headers {
        // A line break in a value would smuggle in header lines of its own.
        guard !value.contains(where: \.isNewline) else { throw HTTPError("header \(name) contains a line break") }
        head += "\(name): \(value)\r\n"
    }
    head += "\r\n"
    let connection = try Connection.open(to: endpoint)
    try connection.send(Array(head.utf8) + body)
    var received: [UInt8] = []
    while true {
        let chunk = try connection.receive()
        received += chunk
        if let response = try HTTPResponse.parse(received, atEnd: chunk.isEmpty) { return response }
        guard received.count <= 16 << 20 else { throw HTTPError("a response larger than 16 MiB") }
    }
}

#if canImport(Glibc)
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)  // a closed peer gives EPIPE instead of killing us with SIGPIPE
#elseif canImport(Musl)
private let streamSocket = Int32(SOCK_STREAM)
private let sendFlags = Int32(MSG_NOSIGNAL)
#else
private let streamSocket = SOCK_STREAM
private let sendFlags: Int32 = 0  // Darwin: SO_NOSIGPIPE is set on the socket instead
#endif

/// The error number the last failed call left.
private func lastErrorNumber() -> Int32 {
    #if canImport(Darwin)
    return errno
    #else
    // Through the C library: the `errno` of Swift's static Glibc overlay brings in symbols that
    // need glibc 2.35, newer than Amazon Linux 2023's.
    return __errno_location().pointee
    #endif
}

private func systemError(_ operation: String) -> HTTPError {
    let code = lastErrorNumber()
    return HTTPError("\(operation): \(String(cString: strerror(code))) (errno \(code))")
}

/// A TCP connection, closed when the value goes away.
private final class Connection {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Connects to the first of the endpoint's addresses that answers.
    static func open(to endpoint: Endpoint) throws(HTTPError) -> Connection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocket
        var addresses: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, endpoint.port, &hints, &addresses)
        guard status == 0, let first = addresses else {
            throw HTTPError("cannot resolve \(endpoint.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var failure = HTTPError("no address for \(endpoint.host)")
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next {
            next = address.pointee.ai_next
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard descriptor >= 0 else {
                failure = systemError("socket")
                continue
            }
            let connection = Connection(descriptor: descriptor)
            #if canImport(Darwin)
            var on: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
            #endif
            if connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return connection }
            failure = systemError("connect to \(endpoint.authority)")
        }
        throw failure
    }

    /// Writes every byte, resuming after partial writes and signals.
    func send(_ bytes: [UInt8]) throws(HTTPError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer in
                #if canImport(Darwin)
                Darwin.send(descriptor, buffer.baseAddress, buffer.count, sendFlags)
                #elseif canImport(Glibc)
                Glibc.send(descriptor, buffer.baseAddress, buffer.count, sendFlags)
                #else
                Musl.send(descriptor, buffer.baseAddress, buffer.count, sendFlags)
                #endif
            }
            if written < 0 {
                if lastErrorNumber() == EINTR { continue }
                throw systemError("send")
            }
            offset += written
        }
    }

    /// The next bytes the server sent; empty once it has closed the connection.
    func receive() throws(HTTPError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if lastErrorNumber() == EINTR { continue }
                throw systemError("recv")
            }
            return Array(chunk[..<count])
        }
    }
}
