import Foundation
import LambdaEmulator
import LambdaTestSupport
import Testing

/// The Extensions API: registration rules, the gate on invocations, INVOKE and SHUTDOWN events.
@Suite struct ExtensionsAPITests {
    static let register = "/2020-01-01/extension/register"
    static let eventNext = "/2020-01-01/extension/event/next"
    static let bothEvents = Array(#"{"events":["INVOKE","SHUTDOWN"]}"#.utf8)

    func register(_ name: String, port: Int, body: [UInt8] = bothEvents) async throws -> RawHTTPResponse {
        try await RawHTTP.request("POST", Self.register, port: port, headers: ["Lambda-Extension-Name": name], body: body)
    }

    @Test func registrationFollowsLambdasRules() async throws {
        let recorder = EventRecorder()
        try await withEmulator(extensionNames: ["logger"], onEvent: recorder.record) { emulator in
            let wrongName = try await register("other", port: emulator.port)
            #expect(wrongName.status == 403)
            #expect(wrongName.json?["errorType"] as? String == "Extension.InvalidName")

            let registered = try await register("logger", port: emulator.port)
            #expect(registered.status == 200)
            let identifier = try #require(registered.headers["lambda-extension-identifier"])
            #expect(registered.json?["functionName"] as? String == "fn")
            #expect(registered.json?["functionVersion"] as? String == "$LATEST")
            #expect(emulator.snapshot.extensionNamed("logger")?.identifier == identifier)
            #expect(recorder.events.contains(.extensionRegistered(name: "logger", events: ["INVOKE", "SHUTDOWN"])))

            let again = try await register("logger", port: emulator.port)
            #expect(again.status == 409)
        }
    }

    @Test func anInvocationWaitsForTheExtensionsAndIsDeliveredToThem() async throws {
        try await withEmulator { emulator in
            let port = emulator.port
            let identifier = try #require(try await register("logger", port: port).headers["lambda-extension-identifier"])
            let pending = emulator.enqueue(InvocationRequest(payload: Array("{}".utf8)))
            let runtime = Task { try await RawHTTP.request("GET", nextPath, port: port) }
            try await emulator.waitForWaitingRuntimes(1)
            // The extension has not asked for an event yet: the environment is still initialising.
            #expect(emulator.snapshot.inFlight.isEmpty)
            #expect(emulator.snapshot.queued == [pending.requestID])

            let invoke = try await RawHTTP.request("GET", Self.eventNext, port: port, headers: ["Lambda-Extension-Identifier": identifier])
            #expect(invoke.json?["eventType"] as? String == "INVOKE")
            #expect(invoke.json?["requestId"] as? String == pending.requestID)
            #expect(invoke.json?["invokedFunctionArn"] as? String == "arn:aws:lambda:us-east-1:000000000000:function:fn")
            #expect(invoke.json?["deadlineMs"] is NSNumber)
            #expect(invoke.headers["lambda-extension-event-identifier"] != nil)
            let next = try await runtime.value
            #expect(next.headers["lambda-runtime-aws-request-id"] == pending.requestID)
            #expect(emulator.snapshot.extensionNamed("logger")?.delivered == ["INVOKE"])

            _ = try await RawHTTP.request("POST", responsePath(pending.requestID), port: port, body: Array("1".utf8))
            #expect(await pending.result().outcome == .response(Array("1".utf8)))
        }
    }

    @Test func shutdownIsDeliveredToTheExtensionsRegisteredForIt() async throws {
        try await withEmulator { emulator in
            let port = emulator.port
            let both = try #require(try await register("both", port: port).headers["lambda-extension-identifier"])
            let invokeOnly = try #require(try await register("invoke-only", port: port, body: Array(#"{"events":["INVOKE"]}"#.utf8))
                .headers["lambda-extension-identifier"])
            let waiting = Task { try await RawHTTP.request("GET", Self.eventNext, port: port, headers: ["Lambda-Extension-Identifier": both]) }
            try await emulator.waitUntil { $0.extensionNamed("both")?.isWaiting == true ? () : nil }

            #expect(emulator.beginShutdown(reason: "spindown") == ["both"])
            let shutdown = try await waiting.value
            #expect(shutdown.json?["eventType"] as? String == "SHUTDOWN")
            #expect(shutdown.json?["shutdownReason"] as? String == "spindown")
            #expect(emulator.snapshot.extensionNamed("invoke-only")?.delivered == [])
            #expect(emulator.snapshot.isShuttingDown)
            // Nobody registers during a shutdown.
            #expect(try await register("late", port: port).status == 403)
            _ = invokeOnly

            emulator.resetEnvironment()
            #expect(emulator.snapshot.extensions.isEmpty)
            #expect(!emulator.snapshot.isShuttingDown)
        }
    }

    @Test func initAndExitErrorsAreRecorded() async throws {
        let recorder = EventRecorder()
        try await withEmulator(onEvent: recorder.record) { emulator in
            let port = emulator.port
            let identifier = try #require(try await register("agent", port: port).headers["lambda-extension-identifier"])
            let initBody = Array(#"{"errorMessage":"no key","errorType":"Extension.ConfigError"}"#.utf8)
            let initError = try await RawHTTP.request(
                "POST", "/2020-01-01/extension/init/error", port: port,
                headers: ["Lambda-Extension-Identifier": identifier, "Lambda-Extension-Function-Error-Type": "Extension.ConfigError"],
                body: initBody)
            #expect(initError.status == 202)
            let exitError = try await RawHTTP.request(
                "POST", "/2020-01-01/extension/exit/error", port: port,
                headers: ["Lambda-Extension-Identifier": identifier, "Lambda-Extension-Function-Error-Type": "Extension.Crash"],
                body: Array("{}".utf8))
            #expect(exitError.status == 202)
            let status = try #require(emulator.snapshot.extensionNamed("agent"))
            #expect(status.initError == ErrorReport(type: "Extension.ConfigError", body: initBody))
            #expect(status.exitError == ErrorReport(type: "Extension.Crash", body: Array("{}".utf8)))
            #expect(recorder.events.contains(.extensionError(name: "agent", phase: .initialisation, ErrorReport(type: "Extension.ConfigError", body: initBody))))
        }
    }
}
