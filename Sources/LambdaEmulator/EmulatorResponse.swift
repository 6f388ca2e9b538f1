import Foundation
import NIOHTTP1

/// A request as the HTTP handler assembled it.
struct EmulatorRequest: Sendable {
    var method: String
    var path: String
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The body went past `EmulatorConfiguration.maximumPayloadBytes`; what came was dropped.
    var bodyTooLarge = false

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A response to write. A response that hands over an invocation or an extension event says
/// so, and the handler gives it back when the write fails (the client went away), so nothing
/// handed to a closed connection is lost.
struct EmulatorResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders = ["Content-Type": "application/json"]
    var body: [UInt8] = []
    var handsOver: HandOver?

    enum HandOver: Sendable, Equatable {
        case invocation(requestID: String)
        case extensionEvent(identifier: String, event: ExtensionEvent)
    }

    /// An error in the shape Lambda's APIs use for their own errors; 4xx answers are also
    /// reported as `EmulatorEvent.rejected`.
    static func error(_ status: HTTPResponseStatus, type: String, message: String) -> EmulatorResponse {
        EmulatorResponse(status: status, body: Array(JSON.errorObject(type: type, message: message).utf8))
    }

    /// The `202 Accepted` the Runtime and Extensions APIs give for a recorded post.
    static let accepted = EmulatorResponse(status: .accepted, body: Array(#"{"status":"OK"}"#.utf8))

    /// The message of an error body this emulator made, for `EmulatorEvent.rejected`.
    var errorMessage: String {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return object?["errorMessage"] as? String ?? String(decoding: body, as: UTF8.self)
    }
}

/// An event for an extension's `event/next`, already rendered.
struct ExtensionEvent: Sendable, Equatable {
    /// `INVOKE` or `SHUTDOWN`.
    var type: String
    var body: [UInt8]
}

/// The little JSON the emulator writes by hand (fixed shapes, so no encoder types) and reads.
enum JSON {
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func errorObject(type: String, message: String) -> String {
        "{\"errorMessage\":\(quoted(message)),\"errorType\":\(quoted(type))}"
    }

    /// An object of string keys and already-rendered values, keys in the given order.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// Whether `bytes` is one JSON value (a bare string or number too, as Lambda accepts).
    static func isValid(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    /// The `events` of a register body, or why it is unusable.
    static func registeredEvents(_ body: [UInt8]) -> Result<[String], RegisterBodyProblem> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return .failure(.notAnObject)
        }
        guard let events = object["events"] as? [String] else { return .failure(.noEventList) }
        if let unknown = events.first(where: { $0 != "INVOKE" && $0 != "SHUTDOWN" }) {
            return .failure(.unknownEvent(unknown))
        }
        return .success(events)
    }

    enum RegisterBodyProblem: Error, Equatable {
        case notAnObject
        case noEventList
        case unknownEvent(String)

        var message: String {
            switch self {
            case .notAnObject: #"the register body is not a JSON object; send {"events":["INVOKE","SHUTDOWN"]}"#
            case .noEventList: #"the register body has no "events" list of strings; send {"events":["INVOKE","SHUTDOWN"]}"#
            case .unknownEvent(let name): "unknown event \(quoted(name)); external extensions can register for INVOKE and SHUTDOWN"
            }
        }
    }
}
