import Foundation
import LambdaEmulator
import LambdaTestSupport
import Testing

/// Streamed responses (`Lambda-Runtime-Function-Response-Mode: streaming`), the runtime and the
/// invoke-API client both played by the test over raw sockets, so each chunk is sent only
/// after the previous one was seen on the other side.
@Suite struct StreamingTests {
    func streamHead(_ id: String, contentType: String = "text/plain") -> String {
        "POST \(responsePath(id)) HTTP/1.1\r\nHost: 127.0.0.1\r\nLambda-Runtime-Function-Response-Mode: streaming\r\n"
            + "Transfer-Encoding: chunked\r\nContent-Type: \(contentType)\r\n"
            + "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n"
    }

    func chunk(_ text: String) -> String { String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n" }

    /// Reads chunks until `count` bytes of body have come.
    func readBody(_ connection: RawConnection, count: Int) async throws -> String {
        try await RawHTTP.onThread {
            var bytes: [UInt8] = []
            while bytes.count < count {
                guard case .data(let data) = try connection.readChunk() else { throw RawHTTPError(description: "the body ended early") }
                bytes += data
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// An invoke-API request on a connection of its own, and the invocation the runtime got.
    func invokeAndTake(_ emulator: LambdaEmulator) async throws -> (client: RawConnection, id: String) {
        let client = try RawConnection(port: emulator.port, timeout: .seconds(30))
        try client.send(RawHTTP.requestBytes("POST", invokePath(), body: Array("{}".utf8)))
        let next = try await RawHTTP.request("GET", nextPath, port: emulator.port)
        return (client, try #require(next.headers["lambda-runtime-aws-request-id"]))
    }

    /// An invocation queued with an observer, taken by the test's runtime, which has begun
    /// streaming with `first`; returns once the observer has seen that chunk.
    func startObservedStream(_ emulator: LambdaEmulator, contentType: String = "text/plain", first: String) async throws
        -> (PendingInvocation, Recorder<InvocationEvent>, RawConnection)
    {
        let seen = Recorder<InvocationEvent>()
        let pending = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)), observer: seen.record)
        _ = try await RawHTTP.request("GET", nextPath, port: emulator.port)
        let runtime = try RawConnection(port: emulator.port, timeout: .seconds(30))
        try runtime.send(streamHead(pending.requestID, contentType: contentType) + chunk(first))
        try await waitUntil { seen.events.count == 2 }
        return (pending, seen, runtime)
    }

    @Test func chunksReachTheInvokeClientAsTheRuntimeSendsThem() async throws {
        try await withEmulator { emulator in
            let (client, id) = try await invokeAndTake(emulator)
            let runtime = try RawConnection(port: emulator.port, timeout: .seconds(30))
            try runtime.send(streamHead(id) + chunk("first "))

            let head = try await RawHTTP.onThread { try client.readHead() }
            #expect(head.status == 200)
            #expect(head.headers["transfer-encoding"] == "chunked")
            #expect(head.headers["content-type"] == "text/plain")
            #expect(head.headers["x-amzn-requestid"] == id)
            #expect(try await readBody(client, count: 6) == "first ")
            // The runtime's body has not ended: chunk 1 came while the invocation still ran.
            #expect(emulator.snapshot.inFlight == [id])
            #expect(emulator.snapshot.streaming == [id])

            try runtime.send(chunk("second") + "0\r\n\r\n")
            #expect(try await RawHTTP.onThread { try runtime.readResponse() }.status == 202)
            #expect(try await readBody(client, count: 6) == "second")
            #expect(try await RawHTTP.onThread { try client.readChunk() } == .end([:]))
            #expect(emulator.snapshot.finishedCount == 1)
        }
    }

    @Test func anObserverSeesTheStreamInOrderAndTheResultHoldsTheWholeBody() async throws {
        try await withEmulator { emulator in
            let (pending, seen, runtime) = try await startObservedStream(emulator, contentType: "application/x-ndjson", first: "a")
            try runtime.send(chunk("b") + "0\r\n\r\n")
            let result = await pending.result()
            #expect(result.outcome == .response(Array("ab".utf8)))
            #expect(result.streamed)
            #expect(seen.events == [
                .streamStarted(requestID: pending.requestID, contentType: "application/x-ndjson"),
                .chunk(Array("a".utf8)), .chunk(Array("b".utf8)), .finished(result),
            ])
        }
    }

    @Test func errorTrailersAreAFunctionErrorPassedOnInTheTrailers() async throws {
        try await withEmulator { emulator in
            let (client, id) = try await invokeAndTake(emulator)
            let error = #"{"errorMessage":"broke","errorType":"StreamError"}"#
            let runtime = try RawConnection(port: emulator.port, timeout: .seconds(30))
            try runtime.send(streamHead(id) + chunk("partial") + "0\r\nLambda-Runtime-Function-Error-Type: StreamError\r\n"
                + "Lambda-Runtime-Function-Error-Body: \(Data(error.utf8).base64EncodedString())\r\n\r\n")
            #expect(try await RawHTTP.onThread { try runtime.readResponse() }.status == 202)

            let answer = try await RawHTTP.onThread { try client.readResponse() }
            #expect(answer.text == "partial")
            #expect(answer.trailers["x-amz-function-error"] == "Unhandled")
            #expect(answer.trailers["lambda-runtime-function-error-type"] == "StreamError")
            #expect(answer.trailers["lambda-runtime-function-error-body"].flatMap { Data(base64Encoded: $0) } == Data(error.utf8))
        }
    }

    @Test func theDeadlineEndsAStreamWithATimeoutInTheTrailers() async throws {
        try await withEmulator(timeout: .seconds(1)) { emulator in
            let (client, id) = try await invokeAndTake(emulator)
            let runtime = try RawConnection(port: emulator.port, timeout: .seconds(30))
            try runtime.send(streamHead(id) + chunk("slow"))
            let answer = try await RawHTTP.onThread { try client.readResponse() }
            #expect(answer.text == "slow")
            #expect(answer.trailers["lambda-runtime-function-error-type"] == "Sandbox.Timedout")
            let body = answer.trailers["lambda-runtime-function-error-body"].flatMap { Data(base64Encoded: $0) }
            #expect(body.map { String(decoding: $0, as: UTF8.self).contains("Task timed out after 1.00 seconds") } == true)
            #expect(emulator.snapshot.timedOutCount == 1)

            // What the runtime sends after the deadline is refused when its body ends.
            try runtime.send(chunk("late") + "0\r\n\r\n")
            #expect(try await RawHTTP.onThread { try runtime.readResponse() }.status == 400)
        }
    }

    @Test func anErrorPostAfterTheStreamBeganIsRefused() async throws {
        try await withEmulator { emulator in
            let (pending, _, runtime) = try await startObservedStream(emulator, first: "x")
            let refused = try await RawHTTP.request("POST", errorPath(pending.requestID), port: emulator.port, body: Array("{}".utf8))
            #expect(refused.status == 400)
            #expect(refused.json?["errorMessage"] as? String == "invocation \(pending.requestID) is already answering with a streamed response")
            try runtime.send("0\r\n\r\n")
            #expect(await pending.result().outcome == .response(Array("x".utf8)))
        }
    }

    /// A runtime whose connection drops mid-stream has not answered: what it sent was passed
    /// on, and the invocation waits for its exit or its deadline.
    @Test func aStreamCutOffMidwayLeavesTheInvocationInFlight() async throws {
        try await withEmulator { emulator in
            let (pending, seen, runtime) = try await startObservedStream(emulator, first: "half")
            shutdown(runtime.fd, Int32(SHUT_RDWR))
            try await waitUntil { emulator.snapshot.streaming.isEmpty }
            #expect(emulator.snapshot.inFlight == [pending.requestID])
            #expect(seen.events.last == .chunk(Array("half".utf8)))
            emulator.abandon(pending.requestID, with: ErrorReport(type: "Runtime.ExitError", message: "exited"))
            #expect(await pending.result().outcome == .abandoned(ErrorReport(type: "Runtime.ExitError", message: "exited")))
        }
    }

    /// Polls `condition` (a wait for something the test caused, not a timing assertion).
    func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw RawHTTPError(description: "condition not met in 30 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

