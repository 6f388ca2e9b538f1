import Foundation
import LambdaEmulator
import LambdaTestSupport
import Testing

/// The Runtime API over real HTTP: what `next` hands out, what the posts record, long polls.
@Suite struct RuntimeAPITests {
    @Test func nextHandsOutTheEventWithLambdasHeaders() async throws {
        try await withEmulator { emulator in
            let pending = emulator.enqueue(InvocationRequest(
                payload: Array(#"{"a":1}"#.utf8), clientContext: #"{"client":{"app":"x"}}"#, cognitoIdentity: #"{"identity_id":"id-1"}"#))
            let before = Int64(Date().timeIntervalSince1970 * 1000)
            let next = try await RawHTTP.request("GET", nextPath, port: emulator.port)
            #expect(next.status == 200)
            #expect(next.text == #"{"a":1}"#)
            #expect(next.headers["lambda-runtime-aws-request-id"] == pending.requestID)
            #expect(next.headers["lambda-runtime-invoked-function-arn"] == "arn:aws:lambda:us-east-1:000000000000:function:fn")
            #expect(next.headers["lambda-runtime-trace-id"]?.hasPrefix("Root=1-") == true)
            #expect(next.headers["lambda-runtime-client-context"] == #"{"client":{"app":"x"}}"#)
            #expect(next.headers["lambda-runtime-cognito-identity"] == #"{"identity_id":"id-1"}"#)
            let deadline = try #require(next.headers["lambda-runtime-deadline-ms"].flatMap { Int64($0) })
            #expect(deadline >= before + 30_000)

            let posted = try await RawHTTP.request("POST", responsePath(pending.requestID), port: emulator.port, body: Array("ok".utf8))
            #expect(posted.status == 202)
            let result = await pending.result()
            #expect(result.outcome == .response(Array("ok".utf8)))
            #expect(result.duration != nil)
            #expect(emulator.snapshot.finishedCount == 1)
        }
    }

    @Test func nextWaitsForAnInvocation() async throws {
        try await withEmulator { emulator in
            async let next = RawHTTP.request("GET", nextPath, port: emulator.port)
            try await emulator.waitForWaitingRuntimes(1)
            #expect(emulator.snapshot.runtimeNextCount == 1)
            let pending = emulator.enqueue(InvocationRequest(payload: Array("[]".utf8)))
            let delivered = try await next
            #expect(delivered.headers["lambda-runtime-aws-request-id"] == pending.requestID)
            #expect(emulator.snapshot.inFlight == [pending.requestID])
            #expect(emulator.snapshot.runtimeWaiting == 0)
        }
    }

    @Test func functionErrorsKeepTheirTypeAndBody() async throws {
        try await withEmulator { emulator in
            let pending = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
            _ = try await RawHTTP.request("GET", nextPath, port: emulator.port)
            let body = Array(#"{"errorMessage":"bad","errorType":"InvalidEvent"}"#.utf8)
            let posted = try await RawHTTP.request(
                "POST", errorPath(pending.requestID), port: emulator.port,
                headers: ["Lambda-Runtime-Function-Error-Type": "InvalidEvent"], body: body)
            #expect(posted.status == 202)
            #expect(await pending.result().outcome == .error(ErrorReport(type: "InvalidEvent", body: body)))
        }
    }

    @Test func initErrorIsRecordedAndFailsWaitingInvocations() async throws {
        let recorder = EventRecorder()
        try await withEmulator(onEvent: recorder.record) { emulator in
            let pending = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
            let body = Array(#"{"errorMessage":"no config","errorType":"ConfigError"}"#.utf8)
            let posted = try await RawHTTP.request(
                "POST", "/2018-06-01/runtime/init/error", port: emulator.port,
                headers: ["Lambda-Runtime-Function-Error-Type": "ConfigError"], body: body)
            #expect(posted.status == 202)
            let report = ErrorReport(type: "ConfigError", body: body)
            #expect(await pending.result().outcome == .abandoned(report))
            #expect(emulator.snapshot.initError == report)
            #expect(recorder.events.contains(.runtimeInitError(report)))
        }
    }

    @Test func anUnansweredInvocationTimesOutAndALateAnswerIsRefused() async throws {
        try await withEmulator(timeout: .milliseconds(100)) { emulator in
            let pending = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
            _ = try await RawHTTP.request("GET", nextPath, port: emulator.port)
            let result = await pending.result()
            #expect(result.outcome == .timedOut(.milliseconds(100)))
            #expect(emulator.snapshot.timedOutCount == 1)
            let late = try await RawHTTP.request("POST", responsePath(pending.requestID), port: emulator.port, body: [1])
            #expect(late.status == 400)
            #expect(late.json?["errorType"] as? String == "InvalidRequestID")
        }
    }

    @Test func anInvocationHandedToAClosedConnectionIsNotLost() async throws {
        try await withEmulator { emulator in
            // A runtime that dies while polling: its `next` is withdrawn, not answered into the void.
            let port = emulator.port
            try await RawHTTP.onThread {
                let connection = try RawConnection(port: port)
                try connection.send(RawHTTP.requestBytes("GET", nextPath))
            }
            try await emulator.waitUntil { $0.runtimeWaiting == 0 && $0.runtimeNextCount == 1 ? () : nil }
            let pending = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
            let next = try await RawHTTP.request("GET", nextPath, port: port)
            #expect(next.headers["lambda-runtime-aws-request-id"] == pending.requestID)
        }
    }

    @Test func abandonEndsAnInvocationWithTheGivenReport() async throws {
        try await withEmulator { emulator in
            let queued = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
            let report = ErrorReport(type: "Runtime.ExitError", message: "Runtime exited with error: exit status 1")
            emulator.abandon(queued.requestID, with: report)
            #expect(await queued.result().outcome == .abandoned(report))
            #expect(emulator.snapshot.queued.isEmpty)
        }
    }

    @Test func cancellingAWaitAbandonsNothingElse() async throws {
        try await withEmulator { emulator in
            let waiter = Task { try await emulator.waitUntil { $0.finishedCount > 100 ? () : nil } }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            // The emulator still serves.
            let pending = emulator.enqueue(InvocationRequest(payload: Array("1".utf8)))
            let next = try await RawHTTP.request("GET", nextPath, port: emulator.port)
            #expect(next.text == "1")
            _ = try await RawHTTP.request("POST", responsePath(pending.requestID), port: emulator.port, body: Array("2".utf8))
            #expect(await pending.result().outcome == .response(Array("2".utf8)))
        }
    }

    @Test func stopEndsPollsWaitsAndInvocations() async throws {
        // A deadline far away, so only stop() can end the invocation however loaded the machine is.
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(function: FunctionIdentity(name: "fn"), timeout: .seconds(900)))
        let port = emulator.port
        let inFlight = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
        _ = try await RawHTTP.request("GET", nextPath, port: port)
        let held = Task { try await RawHTTP.request("GET", nextPath, port: port) }
        try await emulator.waitForWaitingRuntimes(1)
        let waiter = Task { try await emulator.waitUntil { $0.finishedCount > 100 ? () : nil } }

        await emulator.stop()
        guard case .abandoned = await inFlight.result().outcome else {
            Issue.record("the invocation in flight was not abandoned: \(await inFlight.result().outcome)")
            return
        }
        await #expect(throws: (any Error).self) { try await held.value }  // closed without an answer
        await #expect(throws: EmulatorError.stopped) { try await waiter.value }
        await #expect(throws: (any Error).self) { try await RawHTTP.request("GET", nextPath, port: port) }
    }
}
