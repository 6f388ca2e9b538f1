import Foundation
import LambdaEmulator
import LambdaTestSupport
import Testing

/// `POST /2015-03-31/functions/{name}/invocations`, answered by a runtime the test plays.
@Suite struct InvokeAPITests {
    @Test func answersWithTheRuntimesResponse() async throws {
        try await withEmulator { emulator in
            let runtime = runtimeLoop(port: emulator.port, count: 1) { next in
                (responsePath(next.headers["lambda-runtime-aws-request-id"] ?? ""), [:], Array("answer:".utf8) + next.body)
            }
            let response = try await RawHTTP.request("POST", invokePath(), port: emulator.port, body: Array(#"{"n":1}"#.utf8))
            #expect(response.status == 200)
            #expect(response.text == #"answer:{"n":1}"#)
            #expect(response.headers["x-amz-function-error"] == nil)
            #expect(response.headers["x-amz-executed-version"] == "$LATEST")
            let events = try await runtime.value
            #expect(response.headers["x-amzn-requestid"] == events.first?.headers["lambda-runtime-aws-request-id"])
        }
    }

    @Test func anEmptyBodyIsDeliveredAsAnEmptyObject() async throws {
        try await withEmulator { emulator in
            let runtime = runtimeLoop(port: emulator.port, count: 1) { next in
                (responsePath(next.headers["lambda-runtime-aws-request-id"] ?? ""), [:], next.body)
            }
            let response = try await RawHTTP.request("POST", invokePath(), port: emulator.port)
            #expect(response.text == "{}")
            _ = try await runtime.value
        }
    }

    @Test func functionErrorsAreMarkedUnhandled() async throws {
        try await withEmulator { emulator in
            let body = Array(#"{"errorMessage":"nope","errorType":"InvalidEvent"}"#.utf8)
            let runtime = runtimeLoop(port: emulator.port, count: 1) { next in
                (errorPath(next.headers["lambda-runtime-aws-request-id"] ?? ""), ["Lambda-Runtime-Function-Error-Type": "InvalidEvent"], body)
            }
            let response = try await RawHTTP.request("POST", invokePath(), port: emulator.port, body: Array("{}".utf8))
            #expect(response.status == 200)
            #expect(response.headers["x-amz-function-error"] == "Unhandled")
            #expect(response.body == body)
            _ = try await runtime.value
        }
    }

    @Test func timeoutsAreAnsweredWithLambdasErrorObject() async throws {
        try await withEmulator(timeout: .milliseconds(100)) { emulator in
            let port = emulator.port
            let runtime = Task { try await RawHTTP.request("GET", nextPath, port: port) }
            let response = try await RawHTTP.request("POST", invokePath(), port: port, body: Array("{}".utf8))
            #expect(response.headers["x-amz-function-error"] == "Unhandled")
            #expect(response.json?["errorType"] as? String == "Sandbox.Timedout")
            let id = try #require(response.headers["x-amzn-requestid"])
            #expect(response.json?["errorMessage"] as? String == "\(id) Task timed out after 0.10 seconds")
            _ = try await runtime.value
        }
    }

    @Test func clientContextIsDecodedForTheRuntime() async throws {
        try await withEmulator { emulator in
            let context = #"{"custom":{"k":"v"}}"#
            let runtime = runtimeLoop(port: emulator.port, count: 1) { next in
                (responsePath(next.headers["lambda-runtime-aws-request-id"] ?? ""), [:], Array((next.headers["lambda-runtime-client-context"] ?? "none").utf8))
            }
            let response = try await RawHTTP.request(
                "POST", invokePath(), port: emulator.port,
                headers: ["X-Amz-Client-Context": Data(context.utf8).base64EncodedString()], body: Array("{}".utf8))
            #expect(response.text == context)
            _ = try await runtime.value
        }
    }

    @Test func eventAndDryRunInvocationTypes() async throws {
        try await withEmulator { emulator in
            let dryRun = try await RawHTTP.request(
                "POST", invokePath(), port: emulator.port, headers: ["X-Amz-Invocation-Type": "DryRun"], body: Array("{}".utf8))
            #expect(dryRun.status == 204)
            #expect(emulator.snapshot.queued.isEmpty)

            let event = try await RawHTTP.request(
                "POST", invokePath(), port: emulator.port, headers: ["X-Amz-Invocation-Type": "Event"], body: Array("[7]".utf8))
            #expect(event.status == 202)
            // Accepted at once, still delivered.
            let next = try await RawHTTP.request("GET", nextPath, port: emulator.port)
            #expect(next.text == "[7]")
            #expect(next.headers["lambda-runtime-aws-request-id"] == event.headers["x-amzn-requestid"])
        }
    }

    @Test func anyFunctionNameWhenServingAHandStartedRuntime() async throws {
        try await withEmulator(acceptsAnyFunctionName: true) { emulator in
            let runtime = runtimeLoop(port: emulator.port, count: 1) { next in
                (responsePath(next.headers["lambda-runtime-aws-request-id"] ?? ""), [:], next.body)
            }
            let response = try await RawHTTP.request("POST", invokePath("whatever"), port: emulator.port, body: Array("1".utf8))
            #expect(response.status == 200)
            #expect(response.text == "1")
            _ = try await runtime.value
        }
    }

    @Test func invocationsAreServedOneAfterAnother() async throws {
        try await withEmulator { emulator in
            let count = 20
            let runtime = runtimeLoop(port: emulator.port, count: count) { next in
                (responsePath(next.headers["lambda-runtime-aws-request-id"] ?? ""), [:], next.body)
            }
            for index in 0..<count {
                let response = try await RawHTTP.request("POST", invokePath(), port: emulator.port, body: Array("[\(index)]".utf8))
                #expect(response.text == "[\(index)]")
            }
            #expect(try await runtime.value.count == count)
            #expect(emulator.snapshot.finishedCount == count)
        }
    }
}
