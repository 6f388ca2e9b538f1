/// The Lambda Extensions API, as an external extension uses it:
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
struct ExtensionsAPI {
    var endpoint: Endpoint

    static let base = "/2020-01-01/extension"

    /// Registers for INVOKE and SHUTDOWN events and returns the identifier every later call sends.
    func register(name: String) throws(HTTPError) -> String {
        let response = try request(
            "POST", "\(Self.base)/register", to: endpoint,
            headers: [("Lambda-Extension-Name", name), ("Content-Type", "application/json")],
            body: Array(#"{"events":["INVOKE","SHUTDOWN"]}"#.utf8))
        guard response.status == 200 else {
            throw HTTPError("register answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        guard let identifier = response.headers["lambda-extension-identifier"], !identifier.isEmpty else {
            throw HTTPError("register answered without a Lambda-Extension-Identifier header")
        }
        return identifier
    }

    /// Waits (for as long as it takes) until Lambda has the next event for this extension.
    func nextEvent(identifier: String) throws(HTTPError) -> ExtensionEvent {
        let response = try request(
            "GET", "\(Self.base)/event/next", to: endpoint, headers: [("Lambda-Extension-Identifier", identifier)])
        guard response.status == 200 else {
            throw HTTPError("event/next answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return try ExtensionEvent(json: response.body)
    }

    /// Tells Lambda why the extension is about to exit, so the reason shows with the function's
    /// error. Best effort: the process exits either way.
    func reportExitError(identifier: String, type: String, message: String) {
        let body = #"{"errorMessage":"\#(jsonEscaped(message))","errorType":"\#(jsonEscaped(type))"}"#
        _ = try? request(
            "POST", "\(Self.base)/exit/error", to: endpoint,
            headers: [
                ("Lambda-Extension-Identifier", identifier), ("Lambda-Extension-Function-Error-Type", type),
                ("Content-Type", "application/json"),
            ],
            body: Array(body.utf8))
    }
}

/// One event from `event/next`, such as `{"eventType": "INVOKE", "requestId": "...", ...}` or
/// `{"eventType": "SHUTDOWN", "shutdownReason": "spindown", ...}`.
struct ExtensionEvent: Equatable {
    /// `INVOKE` or `SHUTDOWN`.
    var type: String
    var requestID: String?
    var shutdownReason: String?

    init(type: String, requestID: String? = nil, shutdownReason: String? = nil) {
        self.type = type
        self.requestID = requestID
        self.shutdownReason = shutdownReason
    }

    init(json: [UInt8]) throws(HTTPError) {
        let members = try JSONObjectReader.stringMembers(of: json)
        guard let type = members["eventType"] else {
            throw HTTPError("an event without eventType: \(String(decoding: json.prefix(200), as: UTF8.self))")
        }
        self.init(type: type, requestID: members["requestId"], shutdownReason: members["shutdownReason"])
    }
}

/// The string members of a JSON object, every other member skipped: enough to read events
/// without Foundation's JSONDecoder (and the tens of megabytes Foundation adds to a binary).
struct JSONObjectReader {
    private let bytes: [UInt8]
    private var position = 0

    static func stringMembers(of bytes: [UInt8]) throws(HTTPError) -> [String: String] {
        var reader = JSONObjectReader(bytes: bytes)
        var members: [String: String] = [:]
        try reader.expect("{")
        if !reader.consume("}") {
            repeat {
                let key = try reader.string()
                try reader.expect(":")
                if reader.peek() == UInt8(ascii: "\"") {
                    members[key] = try reader.string()
                } else {
                    try reader.skipValue()
                }
            } while reader.consume(",")
            try reader.expect("}")
        }
        return members
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func peek() -> UInt8? {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        return position < bytes.count ? bytes[position] : nil
    }

    private mutating func consume(_ character: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(HTTPError) {
        guard consume(character) else { throw HTTPError("malformed JSON: expected '\(character)' at byte \(position)") }
    }

    private mutating func string() throws(HTTPError) -> String {
        try expect("\"")
        var scalars = String.UnicodeScalarView()
        var pendingHighSurrogate: UInt32?
        var raw: [UInt8] = []  // unescaped UTF-8 bytes since the last escape
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte != UInt8(ascii: "\\"), pendingHighSurrogate != nil {
                scalars.append("\u{FFFD}")  // a lone high surrogate
                pendingHighSurrogate = nil
            }
            if byte == UInt8(ascii: "\"") {
                flush()
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else {
                raw.append(byte)
                continue
            }
            flush()
            guard position < bytes.count else { break }
            let escape = bytes[position]
            position += 1
            var value = UInt32(escape)  // \" \\ \/
            switch escape {
            case UInt8(ascii: "b"): value = 0x08
            case UInt8(ascii: "f"): value = 0x0C
            case UInt8(ascii: "n"): value = 0x0A
            case UInt8(ascii: "r"): value = 0x0D
            case UInt8(ascii: "t"): value = 0x09
            case UInt8(ascii: "u"):
                guard position + 4 <= bytes.count,
                    let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
                else { throw HTTPError("malformed JSON: bad \\u escape at byte \(position)") }
                position += 4
                value = code
            default: break
            }
            if let high = pendingHighSurrogate {
                pendingHighSurrogate = nil
                if (0xDC00..<0xE000).contains(value) {
                    scalars.append(Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)) ?? "\u{FFFD}")
                    continue
                }
                scalars.append("\u{FFFD}")  // a lone high surrogate
            }
            if (0xD800..<0xDC00).contains(value) {
                pendingHighSurrogate = value
            } else {
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            }
        }
        throw HTTPError("malformed JSON: unterminated string")
    }

    /// Skips a number, literal, string, array or object.
    private mutating func skipValue() throws(HTTPError) {
        var depth = 0
        repeat {
            guard let byte = peek() else { throw HTTPError("malformed JSON: unexpected end") }
            switch byte {
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                position += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw HTTPError("malformed JSON: unexpected '\(Unicode.Scalar(byte))'") }
                depth -= 1
                position += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { throw HTTPError("malformed JSON: a member without a value") }
                position += 1
            default:  // a number, true, false or null
                while position < bytes.count, !Array(",:]} \t\r\n\"".utf8).contains(bytes[position]) { position += 1 }
            }
        } while depth > 0
    }
}

/// `text` as the inside of a JSON string.
func jsonEscaped(_ text: String) -> String {
    var escaped = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return escaped
}
