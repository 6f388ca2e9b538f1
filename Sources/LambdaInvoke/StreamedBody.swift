import Foundation

/// The HTTP status and headers a streamed response may begin with: a JSON object
/// (`statusCode`, `headers`, `multiValueHeaders`, `cookies`) and eight NUL bytes, what the
/// official runtimes write (`writeStatusAndHeaders`, `HttpResponseStream.from`) for function
/// URLs and API Gateway, which turn it into the HTTP response's head.
public struct StreamPrelude: Sendable, Equatable {
    public var statusCode: Int?
    /// `headers`, then each of `multiValueHeaders`, in name order.
    public var headers: [String]
    public var cookies: [String]

    /// The content type runtimes declare for a body that begins with a prelude.
    public static let contentType = "application/vnd.awslambda.http-integration-response"
    /// API Gateway's limit for the prelude; a body with no separator by then has none.
    static let limit = 16 * 1024
    static let separator = [UInt8](repeating: 0, count: 8)

    /// The prelude in `bytes` (the JSON object before the separator), or nil when they are
    /// not one.
    init?(json bytes: ArraySlice<UInt8>) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        statusCode = object["statusCode"] as? Int
        var headers: [String] = []
        for (name, value) in ((object["headers"] as? [String: Any]) ?? [:]).sorted(by: { $0.key < $1.key }) {
            headers.append("\(name): \(value)")
        }
        for (name, values) in ((object["multiValueHeaders"] as? [String: [Any]]) ?? [:]).sorted(by: { $0.key < $1.key }) {
            headers += values.map { "\(name): \($0)" }
        }
        self.headers = headers
        cookies = (object["cookies"] as? [Any])?.map { "\($0)" } ?? []
    }

    /// One line for standard error: `HTTP 201; Content-Type: text/plain; Set-Cookie: a=1`.
    public var line: String {
        (["HTTP \(statusCode.map(String.init) ?? "200")"] + headers + cookies.map { "Set-Cookie: \($0)" }).joined(separator: "; ")
    }
}

/// A streamed body as it arrives, with its prelude split off. With the prelude's content
/// type the body is held back until the separator (at most 16 KB); with any other, the first
/// part decides: a JSON object and the separator in it is a prelude, anything else is body and
/// passes at once, so a plain stream is never delayed.
public struct StreamedBody: Sendable {
    public enum Part: Sendable, Equatable {
        case prelude(StreamPrelude)
        case body([UInt8])
    }

    private var held: [UInt8] = []
    private var decided = false
    private let expectsPrelude: Bool

    public init(contentType: String?) {
        expectsPrelude = contentType?.lowercased().hasPrefix(StreamPrelude.contentType) == true
    }

    public mutating func take(_ bytes: [UInt8]) -> [Part] {
        guard !decided else { return bytes.isEmpty ? [] : [.body(bytes)] }
        held += bytes
        if let split = Self.separatorIndex(in: held), let prelude = StreamPrelude(json: held[..<split]) {
            decided = true
            let rest = Array(held[(split + StreamPrelude.separator.count)...])
            held = []
            return [.prelude(prelude)] + (rest.isEmpty ? [] : [.body(rest)])
        }
        if expectsPrelude && held.count < StreamPrelude.limit && held.first == UInt8(ascii: "{") { return [] }
        return finish()
    }

    /// What is still held back, at the end of the stream.
    public mutating func finish() -> [Part] {
        decided = true
        defer { held = [] }
        return held.isEmpty ? [] : [.body(held)]
    }

    private static func separatorIndex(in bytes: [UInt8]) -> Int? {
        let count = StreamPrelude.separator.count
        guard bytes.count >= count else { return nil }
        var run = 0
        for (index, byte) in bytes.enumerated() {
            run = byte == 0 ? run + 1 : 0
            if run == count { return index - count + 1 }
        }
        return nil
    }
}
