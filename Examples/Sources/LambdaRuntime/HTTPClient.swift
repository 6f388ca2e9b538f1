// A minimal HTTP/1.1 client: just enough for the Runtime API (a handful of GETs and POSTs to a
// local endpoint). One connection per request with `Connection: close` keeps it stateless;
// the extra connect costs microseconds on loopback.

/// A parsed HTTP response.
struct HTTPResponse {
    var status: Int
    /// Header fields in the order received, names lowercased (HTTP names are case-insensitive).
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The value of the first header called `name`, compared case-insensitively.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}

/// Sends requests to one `host:port`.
struct HTTPClient {
    let host: String
    let port: UInt16

    /// Bounds that keep a broken peer from exhausting memory. Lambda payloads are at most 6 MB
    /// (or 20 MB streamed), so these leave room.
    static let maximumHeaderBytes = 64 * 1024
    static let maximumBodyBytes = 64 * 1024 * 1024

    /// The `Host` header value; IPv6 literals need brackets.
    private var authority: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Performs one request on a fresh connection and reads the whole response.
    func send(
        method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws(TransportError) -> HTTPResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: swift-lambda-examples\r\n"
        head += "Connection: close\r\n"
        if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        for (name, value) in headers {
            // A CR or LF in a value would let it smuggle extra header lines into the request.
            guard !name.contains(where: \.isNewline), !value.contains(where: \.isNewline) else {
                throw TransportError("header \(name) contains a line break")
            }
            head += "\(name): \(value)\r\n"
        }
        head += "\r\n"

        let connection = try TCPConnection.connect(host: host, port: port)
        try connection.writeAll(Array(head.utf8) + body)
        var reader = ResponseReader(connection: connection)
        return try Self.readResponse(from: &reader, method: method)
    }

    /// Parses a response: status line, header fields, then a body framed by chunked encoding,
    /// Content-Length, or the end of the connection (RFC 9112, section 6.3).
    static func readResponse(from reader: inout ResponseReader, method: String) throws(TransportError) -> HTTPResponse {
        var status: Int
        var headers: [(name: String, value: String)]
        repeat {  // 1xx responses are interim: the real one follows.
            status = try parseStatusLine(reader.readLine(limit: 8 * 1024))
            headers = try readHeaderFields(from: &reader)
        } while (100..<200).contains(status)

        var response = HTTPResponse(status: status, headers: headers, body: [])
        if method == "HEAD" || status == 204 || status == 304 { return response }

        if let encoding = response.header("transfer-encoding") {
            let last = encoding.split(separator: ",").last.map { trim(String($0)).lowercased() }
            response.body = last == "chunked"
                ? try readChunkedBody(from: &reader)
                : try reader.readToEnd(limit: maximumBodyBytes)
        } else if let length = response.header("content-length") {
            let values = Set(headers.filter { $0.name == "content-length" }.map { trim($0.value) })
            let digits = trim(length)
            guard values.count == 1, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let count = Int(digits) else {
                throw TransportError("invalid Content-Length \(length)")
            }
            guard count <= maximumBodyBytes else { throw TransportError("HTTP body of \(count) bytes is too large") }
            response.body = try reader.readExactly(count)
        } else {
            response.body = try reader.readToEnd(limit: maximumBodyBytes)
        }
        return response
    }

    /// The status code of a line like `HTTP/1.1 202 Accepted`.
    private static func parseStatusLine(_ line: [UInt8]) throws(TransportError) -> Int {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].count == 3,
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let code = Int(parts[1]) else {
            throw TransportError("malformed HTTP status line: \(text.prefix(100))")
        }
        return code
    }

    /// Header fields up to the empty line that ends them.
    private static func readHeaderFields(from reader: inout ResponseReader) throws(TransportError) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        var total = 0
        while true {
            let line = try reader.readLine(limit: maximumHeaderBytes)
            if line.isEmpty { return fields }
            total += line.count
            guard total <= maximumHeaderBytes else { throw TransportError("HTTP header section too large") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                  !line[..<colon].contains(where: { $0 == 0x20 || $0 == 0x09 }) else {
                throw TransportError("malformed HTTP header line: \(String(decoding: line.prefix(100), as: UTF8.self))")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = trim(String(decoding: line[(colon + 1)...], as: UTF8.self))
            fields.append((name, value))
        }
    }

    /// A body in chunked transfer coding: hex-sized chunks, a zero-sized one, optional trailers.
    private static func readChunkedBody(from reader: inout ResponseReader) throws(TransportError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = String(decoding: try reader.readLine(limit: 1024), as: UTF8.self)
            let sizeField = trim(String(line.prefix { $0 != ";" }))  // drop chunk extensions
            guard !sizeField.isEmpty, sizeField.count <= 15, sizeField.allSatisfy(\.isHexDigit),
                  let size = Int(sizeField, radix: 16) else {
                throw TransportError("malformed chunk size: \(line.prefix(100))")
            }
            if size == 0 {
                _ = try readHeaderFields(from: &reader)  // trailers, ignored
                return body
            }
            guard body.count + size <= maximumBodyBytes else { throw TransportError("HTTP body too large") }
            body += try reader.readExactly(size)
            guard try reader.readLine(limit: 0).isEmpty else { throw TransportError("missing CRLF after chunk") }
        }
    }
}

/// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
func trim(_ text: String) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isSpace($0) }),
          let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(text[first...last])
}
