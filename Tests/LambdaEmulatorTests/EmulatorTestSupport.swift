import Foundation
import LambdaEmulator
import LambdaTestSupport
import Testing

/// Starts an emulator for one test and stops it afterwards, also when the test throws.
func withEmulator(
    timeout: Duration = .seconds(120), extensionNames: Set<String>? = nil, acceptsAnyFunctionName: Bool = false,
    onEvent: (@Sendable (EmulatorEvent) -> Void)? = nil,
    _ body: (LambdaEmulator) async throws -> Void
) async throws {
    let emulator = try await LambdaEmulator.start(EmulatorConfiguration(
        function: FunctionIdentity(name: "fn"), timeout: timeout, extensionNames: extensionNames,
        acceptsAnyFunctionName: acceptsAnyFunctionName, onEvent: onEvent))
    do {
        try await body(emulator)
    } catch {
        await emulator.stop()
        throw error
    }
    await emulator.stop()
}

let nextPath = "/2018-06-01/runtime/invocation/next"

func responsePath(_ id: String) -> String { "/2018-06-01/runtime/invocation/\(id)/response" }
func errorPath(_ id: String) -> String { "/2018-06-01/runtime/invocation/\(id)/error" }
func invokePath(_ name: String = "fn") -> String { "/2015-03-31/functions/\(name)/invocations" }

extension LambdaEmulator {
    /// Waits until `count` runtime `next` requests are held.
    func waitForWaitingRuntimes(_ count: Int) async throws {
        try await waitUntil { $0.runtimeWaiting == count ? () : nil }
    }
}

/// A runtime played by the test: takes `count` invocations and answers each with `answer`.
func runtimeLoop(port: Int, count: Int, answer: @escaping @Sendable (RawHTTPResponse) -> (path: String, headers: [String: String], body: [UInt8]))
    -> Task<[RawHTTPResponse], any Error>
{
    Task {
        var events: [RawHTTPResponse] = []
        for _ in 0..<count {
            let next = try await RawHTTP.request("GET", nextPath, port: port)
            events.append(next)
            let (path, headers, body) = answer(next)
            _ = try await RawHTTP.request("POST", path, port: port, headers: headers, body: body)
        }
        return events
    }
}

/// The emulator's events, collected.
typealias EventRecorder = Recorder<EmulatorEvent>

/// Collects events (the emulator's, or an invocation observer's) for assertions.
final class Recorder<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Event] = []

    func record(_ event: Event) {
        lock.lock()
        recorded.append(event)
        lock.unlock()
    }

    var events: [Event] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }
}
