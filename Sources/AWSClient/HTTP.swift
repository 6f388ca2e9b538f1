public import Foundation

/// One header as sent: names keep their case, order is kept, and a name may repeat.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request before and after signing. The path is kept percent-encoded exactly as it is sent
/// and the query as decoded pairs, so the signer sees what goes on the wire (a `URL` would
/// normalise both).
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var scheme: String
    public var host: String
    /// nil for the scheme's default port.
    public var port: Int?
    /// Percent-encoded, starting with `/`.
    public var path: String
    /// Decoded name-value pairs, encoded on the wire as SigV4 canonicalises them (RFC 3986 unreserved).
    public var query: [(name: String, value: String)]
    public var headers: [HTTPHeader]
    public var body: Data
    /// Seconds to wait for the whole exchange; nil for the transport's default.
    public var timeout: Double?

    public init(
        method: String, endpoint: URL, path: String, query: [(name: String, value: String)] = [], headers: [HTTPHeader] = [],
        body: Data = Data(), timeout: Double? = nil
    ) {
        self.method = method
        self.scheme = endpoint.scheme ?? "https"
        self.host = endpoint.host ?? ""
        let port = endpoint.port
        self.port = port == (scheme == "https" ? 443 : 80) ? nil : port
        // An endpoint with a path (a proxy) prefixes every request's.
        let base = endpoint.path(percentEncoded: true)
        self.path = (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
        self.query = query
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// `host` or `host:port` as the `Host` header carries it.
    public var hostHeader: String { port.map { "\(host):\($0)" } ?? host }

    public var encodedQuery: String {
        query.map { "\(SigV4.encode($0.name))=\(SigV4.encode($0.value))" }.joined(separator: "&")
    }

    public var url: URL {
        let query = encodedQuery
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let text = "\(scheme)://\(hostPart)\(port.map { ":\($0)" } ?? "")\(path)\(query.isEmpty ? "" : "?" + query)"
        guard let url = URL(string: text) else { preconditionFailure("not a URL: \(text)") }
        return url
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append(HTTPHeader(name, value))
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.headers == rhs.headers && lhs.body == rhs.body
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Lower-cased names.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends one request; what the client stands on, so tests can answer without a network.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A failure to exchange a request at all (no answer): name resolution, connection, timeout.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case unresolvedHost, connectionFailed, timedOut, other }
    public var kind: Kind
    public var host: String
    public var message: String

    public init(kind: Kind, host: String, message: String) {
        self.kind = kind
        self.host = host
        self.message = message
    }

    public var description: String { message }
}
