import CCurlShims
import Foundation

/// HTTP over libcurl's easy interface, each exchange blocking a thread of its own in poll(2)
/// (not a GCD or Swift concurrency one: those pools are as wide as the cores, and a slow
/// server would starve everything else queued on them).
/// URLSession on Linux drives libcurl's multi interface from a loop that wakes thousands of
/// times a second while it waits (measured: 2 CPU-seconds for a 2-second wait), which on two
/// cores slowed a deploy down more than the uploads did (README, "Deploy benchmark").
public struct CurlTransport: HTTPTransport {
    /// Seconds an exchange may take when the request sets none.
    public var defaultTimeout: Double

    public init(defaultTimeout: Double = 300) {
        self.defaultTimeout = defaultTimeout
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let url = request.url.absoluteString
        let lines = request.headers.filter { $0.name.lowercased() != "host" }.map { "\($0.name): \($0.value)" }
        let timeout = Int((request.timeout ?? defaultTimeout) * 1000)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try Self.perform(request, url: url, lines: lines, timeoutMilliseconds: timeout) })
            }
            thread.name = "swift-lambda http"
            thread.start()
        }
    }

    static func perform(_ request: HTTPRequest, url: String, lines: [String], timeoutMilliseconds: Int) throws -> HTTPResponse {
        var result = swl_http_result()
        let kind: Int32 = withCStrings(lines) { headers in
            request.body.withUnsafeBytes { body in
                swl_http_perform(
                    request.method, url, headers, lines.count, body.baseAddress?.assumingMemoryBound(to: UInt8.self), body.count,
                    timeoutMilliseconds, &result)
            }
        }
        defer { swl_http_result_free(&result) }
        guard kind == Int32(SWL_HTTP_OK) else {
            let detail = withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let transportKind: TransportError.Kind = switch kind {
            case Int32(SWL_HTTP_UNRESOLVED): .unresolvedHost
            case Int32(SWL_HTTP_CONNECT): .connectionFailed
            case Int32(SWL_HTTP_TIMEOUT): .timedOut
            default: .other
            }
            throw TransportError(
                kind: transportKind, host: request.host,
                message: "\(request.method) \(request.scheme)://\(request.hostHeader)\(request.path): \(detail)")
        }
        let headerText = result.headers.map { String(decoding: UnsafeBufferPointer(start: $0, count: result.headers_length), as: UTF8.self) } ?? ""
        let body = result.body.map { Data(bytes: $0, count: result.body_length) } ?? Data()
        return HTTPResponse(status: result.status, headers: parseHeaders(headerText), body: body)
    }

    /// The last response's headers (an interim `100 Continue` block comes first when sent).
    static func parseHeaders(_ text: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            if line.hasPrefix("HTTP/") { headers = [:]; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return headers
    }
}

/// `lines` as a C array of C strings, alive for the call.
private func withCStrings<T>(_ lines: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
    let pointers = lines.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    let constant = pointers.map { UnsafePointer($0) }
    return constant.withUnsafeBufferPointer { body($0.baseAddress) }
}
