import Foundation
import NIOHTTP1

/// Streamed responses: `POST invocation/{id}/response` with
/// `Lambda-Runtime-Function-Response-Mode: streaming`, a chunked body written over time, and an
/// error after the body has begun reported in the trailers `Lambda-Runtime-Function-Error-Type`
/// and `Lambda-Runtime-Function-Error-Body` (base64). The handler calls these as the request's
/// head, each body part and its end arrive, so the invocation's observer sees every chunk when
/// the runtime sends it. The invocation's deadline still applies, as on Lambda.
extension EmulatorCore {
    /// Whether `head` starts a streamed response, and for which invocation.
    static func streamedResponseID(_ head: HTTPRequestHead) -> String? {
        guard head.method == .POST,
            head.headers.first(name: "Lambda-Runtime-Function-Response-Mode")?.lowercased() == "streaming",
            case .success(.runtimeResponse(let id)) = Route.resolve(method: head.method.rawValue, path: head.uri)
        else { return nil }
        return id
    }

    /// The head arrived: the stream starts, or the refusal to send once the body has ended.
    func beginStream(_ id: String, contentType: String?) -> EmulatorResponse? {
        mutate { state, _ in
            state.noteContact()
            if let refusal = refusal(ofResultFor: id, in: state) { return refusal }
            state.records[id]?.streamedBody = []
            state.records[id]?.streamOpen = true
            state.records[id]?.observer?(.streamStarted(requestID: id, contentType: contentType))
            return nil
        }
    }

    /// A body part: passed on at once. Ignored when the invocation has ended meanwhile (a
    /// timeout): the runtime is told when its body ends.
    func streamChunk(_ id: String, _ bytes: [UInt8]) {
        mutate { state, _ in
            guard state.records[id]?.streamedBody != nil else { return }
            state.records[id]?.streamedBody?.append(contentsOf: bytes)
            state.records[id]?.observer?(.chunk(bytes))
        }
    }

    /// The connection closed before the body ended (the runtime died, say): what it sent has
    /// been passed on, and the invocation stays in flight until the runtime's exit or its
    /// deadline ends it, as for a runtime that never answers.
    func streamInterrupted(_ id: String) {
        mutate { state, _ in state.records[id]?.streamOpen = false }
    }

    /// The body ended: the invocation ends with the whole body, or with the error its
    /// trailers report (a function error, as the error endpoint's would be).
    func endStream(_ id: String, trailers: HTTPHeaders?) -> EmulatorResponse {
        mutate { state, effects in
            guard let body = state.records[id]?.streamedBody else {
                return .error(.badRequest, type: "InvalidRequestID", message: "no invocation \(id) is waiting for a result; it finished, timed out or never existed")
            }
            let outcome: InvocationOutcome
            if let type = trailers?.first(name: "Lambda-Runtime-Function-Error-Type") {
                outcome = .error(Self.streamError(type: type, encodedBody: trailers?.first(name: "Lambda-Runtime-Function-Error-Body")))
            } else {
                outcome = .response(body)
            }
            finish(id, outcome, in: &state, &effects)
            return .accepted
        }
    }

    /// The error a stream's trailers report: the base64 body decoded (kept as sent when it is
    /// not base64), or an error object naming the type when there is none.
    static func streamError(type: String, encodedBody: String?) -> ErrorReport {
        guard let encodedBody, !encodedBody.isEmpty else {
            return ErrorReport(type: type, message: "the streamed response ended with error type \(type)")
        }
        let body = Data(base64Encoded: encodedBody).map { Array($0) } ?? Array(encodedBody.utf8)
        return ErrorReport(type: type, body: body)
    }
}
