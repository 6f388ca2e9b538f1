import Foundation
import LambdaEmulator
import LambdaTestSupport
import Testing

/// Every kind of bad request gets a JSON error with the right status, and the emulator goes on
/// serving: after all of them, an invocation still works.
@Suite struct MalformedRequestTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        var status: Int
        var errorType: String

        var description: String { "\(method) \(path)" }
    }

    static let cases: [Case] = [
        Case(method: "GET", path: "/nope", status: 404, errorType: "NotFound"),
        Case(method: "GET", path: "/2018-06-01/runtime/invocation", status: 404, errorType: "NotFound"),
        Case(method: "POST", path: nextPath, status: 405, errorType: "MethodNotAllowed"),
        Case(method: "GET", path: responsePath("x"), status: 405, errorType: "MethodNotAllowed"),
        Case(method: "POST", path: responsePath("no-such-id"), body: [1], status: 400, errorType: "InvalidRequestID"),
        Case(method: "POST", path: errorPath("no-such-id"), body: [1], status: 400, errorType: "InvalidRequestID"),
        Case(method: "POST", path: "/2020-01-01/extension/register", body: Array(#"{"events":["INVOKE"]}"#.utf8), status: 400, errorType: "InvalidRequest"),
        Case(method: "POST", path: "/2020-01-01/extension/register", headers: ["Lambda-Extension-Name": "x"], body: Array("{".utf8), status: 400, errorType: "InvalidRequest"),
        Case(method: "POST", path: "/2020-01-01/extension/register", headers: ["Lambda-Extension-Name": "x"], body: Array(#"{"events":["LOGS"]}"#.utf8), status: 400, errorType: "InvalidRequest"),
        Case(method: "GET", path: "/2020-01-01/extension/event/next", status: 403, errorType: "Extension.MissingExtensionIdentifier"),
        Case(method: "GET", path: "/2020-01-01/extension/event/next", headers: ["Lambda-Extension-Identifier": "forged"], status: 403, errorType: "Extension.InvalidExtensionIdentifier"),
        Case(method: "POST", path: "/2020-01-01/extension/exit/error", headers: ["Lambda-Extension-Identifier": "forged"], status: 403, errorType: "Extension.InvalidExtensionIdentifier"),
        Case(method: "POST", path: invokePath(), body: Array("not json".utf8), status: 400, errorType: "InvalidRequestContentException"),
        Case(method: "POST", path: invokePath(), headers: ["X-Amz-Invocation-Type": "Later"], body: Array("{}".utf8), status: 400, errorType: "InvalidParameterValueException"),
        Case(method: "POST", path: invokePath(), headers: ["X-Amz-Client-Context": "%%%"], body: Array("{}".utf8), status: 400, errorType: "InvalidRequestContentException"),
        Case(method: "POST", path: invokePath("other"), body: Array("{}".utf8), status: 404, errorType: "ResourceNotFoundException"),
    ]

    @Test func badRequestsGetJSONErrorsAndServingGoesOn() async throws {
        let recorder = EventRecorder()
        try await withEmulator(onEvent: recorder.record) { emulator in
            for item in Self.cases {
                let response = try await RawHTTP.request(item.method, item.path, port: emulator.port, headers: item.headers, body: item.body)
                #expect(response.status == item.status, "\(item)")
                #expect(response.headers["content-type"] == "application/json", "\(item)")
                #expect(response.json?["errorType"] as? String == item.errorType, "\(item): \(response.text)")
                #expect((response.json?["errorMessage"] as? String)?.isEmpty == false, "\(item)")
            }
            let methodNotAllowed = try await RawHTTP.request("POST", nextPath, port: emulator.port)
            #expect(methodNotAllowed.headers["allow"] == "GET")
            let rejected = recorder.events.filter { if case .rejected = $0 { true } else { false } }
            #expect(rejected.count == Self.cases.count + 1)
            try await expectStillServing(emulator)
        }
    }

    @Test func unparseableHTTPAndOversizedBodiesAreRefused() async throws {
        try await withEmulator { emulator in
            let garbage = try await RawHTTP.raw("THIS IS NOT HTTP\r\n\r\n", port: emulator.port)
            #expect(garbage.status == 400)

            let oversized = [UInt8](repeating: UInt8(ascii: "a"), count: EmulatorConfiguration.maximumPayloadBytes + 1)
            let tooLarge = try await RawHTTP.request("POST", invokePath(), port: emulator.port, body: oversized)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.json?["errorType"] as? String == "RequestTooLargeException")

            // A response over Lambda's 6 MB limit fails the invocation as Lambda does.
            let pending = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
            _ = try await RawHTTP.request("GET", nextPath, port: emulator.port)
            let refused = try await RawHTTP.request("POST", responsePath(pending.requestID), port: emulator.port, body: oversized)
            #expect(refused.status == 413)
            guard case .error(let report) = await pending.result().outcome else {
                Issue.record("the oversized response did not fail the invocation")
                return
            }
            #expect(report.type == "Function.ResponseSizeTooLarge")
            try await expectStillServing(emulator)
        }
    }

    @Test func keepAliveConnectionsServeSeveralRequestsAndCloseWhenAsked() async throws {
        try await withEmulator { emulator in
            let port = emulator.port
            try await RawHTTP.onThread {
                let connection = try RawConnection(port: port)
                try connection.send(RawHTTP.requestBytes("GET", "/a") + RawHTTP.requestBytes("GET", "/b"))
                #expect(try connection.readResponse().status == 404)
                #expect(try connection.readResponse().status == 404)
                try connection.send(RawHTTP.requestBytes("GET", "/c", headers: ["Connection": "close"]))
                let last = try connection.readResponse()
                #expect(last.status == 404)
                #expect(last.headers["connection"] == "close")
                #expect(connection.isClosedByPeer())
            }
        }
    }

    /// A normal invocation from start to end.
    func expectStillServing(_ emulator: LambdaEmulator) async throws {
        let pending = emulator.enqueue(InvocationRequest(payload: Array(#"{"still":true}"#.utf8)))
        let next = try await RawHTTP.request("GET", nextPath, port: emulator.port)
        #expect(next.text == #"{"still":true}"#)
        _ = try await RawHTTP.request("POST", responsePath(pending.requestID), port: emulator.port, body: next.body)
        #expect(await pending.result().outcome == .response(next.body))
    }
}
