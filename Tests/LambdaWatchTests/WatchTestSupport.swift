// Real pools of the C fixture runtime (Tests/EndToEndTests/Fixtures/runtimes/runtime.c) behind a
// real GatewayServer on port 0, spoken to in raw HTTP, and the processes they leave checked in
// /proc: what WatchRouterTests and FunctionPoolTests share.

import Foundation
import LambdaEmulator
import LambdaInvoke
import LambdaSupport
import LambdaTestSupport
import Testing

@testable import LambdaWatch

#if canImport(Glibc)
import Glibc
#endif

/// Log lines kept, to explain a failure.
final class RecordingConsole: InvokeConsole {
    let lines = Locked<[String]>([])
    func log(_ line: String) { lines.withLock { $0.append(line) } }
    func result(_ line: String) { lines.withLock { $0.append(line) } }
    func output(_ bytes: [UInt8]) {}
    func write(_ bytes: [UInt8]) {}
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// One function of the fixture runtime in a lambda directory of its own (with `extensions`
/// beside it), every process's output in `output` and the runtime's pid in `pidFile`.
struct Fixture: Sendable {
    let name: String
    let lambda: String
    let artifacts: PreparedArtifacts
    let console = RecordingConsole()

    init(_ name: String = "fn", extensions: [String] = []) throws {
        self.name = name
        lambda = try RuntimeFixtures.lambdaDirectory(function: name, extensions: extensions)
        artifacts = try ArtifactLocator.prepare(function: name, extensions: extensions, zip: false, lambdaDirectory: lambda)
    }

    var output: String { "\(lambda)/output" }
    var pidFile: String { "\(lambda)/pid" }
    var outputText: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    /// The pid the runtime last wrote to `pidFile`.
    var runtimePID: Int32? {
        (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    var context: InvokeContext {
        InvokeContext(currentDirectory: lambda, console: console, childOutput: .file(output))
    }

    func settings(_ overrides: [String: String] = [:], concurrency: Int = 1, timeout: Duration = .seconds(60)) -> PoolSettings {
        PoolSettings(
            name: name, artifacts: artifacts, overrides: overrides.merging(["PID_FILE": pidFile]) { given, _ in given },
            timeout: timeout, concurrency: concurrency)
    }

    func pool(_ overrides: [String: String] = [:], concurrency: Int = 1, timeout: Duration = .seconds(60)) -> FunctionPool {
        FunctionPool(settings: settings(overrides, concurrency: concurrency, timeout: timeout), context: context)
    }

    /// The processes running an executable of this lambda directory (the runtime's and the
    /// extensions' copies live only here), found in /proc.
    var processes: [(pid: Int32, executable: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry),
                let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/exe"),
                executable.hasPrefix(lambda + "/")
            else { return nil }
            return (pid, executable)
        }
    }

    func processes(named suffix: String) -> [Int32] {
        processes.filter { $0.executable.hasSuffix(suffix) }.map(\.pid)
    }
}

/// No process has this id (it was reaped, not merely killed: a zombie still answers kill).
func isGone(_ pid: Int32) -> Bool {
    kill(pid, 0) == -1 && errno == ESRCH
}

/// Polls `condition` every 20 ms until it holds or `timeout` has passed; says whether it held.
/// A bounded wait for something that must happen, never an assertion about time.
func eventually(within timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(20))
    }
}

/// A GatewayServer on 127.0.0.1:0 with a WatchRouter over `served`, as `watch` sets them up.
struct Gateway: Sendable {
    let server: GatewayServer
    let pools: [String: FunctionPool]
    var port: Int { server.port }

    func stop() async {
        await server.stop()
        for pool in pools.values { await pool.stop() }
    }
}

/// Runs `body` against a gateway over `served`, then stops the gateway and every pool and
/// checks that no process of any fixture is left.
func serving<T>(
    _ served: [(Fixture, FunctionPool)], sourceLocation: SourceLocation = #_sourceLocation, _ body: (Gateway) async throws -> T
) async throws -> T {
    var pools: [String: FunctionPool] = [:]
    for (fixture, pool) in served { pools[fixture.name] = pool }
    let router = WatchRouter(pools: pools)
    let server = try await GatewayServer.start(host: "127.0.0.1", port: 0, maximumBody: EmulatorConfiguration.maximumPayloadBytes) {
        request, responder in await router.handle(request, responder)
    }
    let gateway = Gateway(server: server, pools: pools)
    let result: Result<T, any Error>
    do {
        result = .success(try await body(gateway))
    } catch {
        result = .failure(error)
    }
    await gateway.stop()
    for (fixture, _) in served {
        let left = fixture.processes
        #expect(left.isEmpty, "still running after stop: \(left.map { "\($0.pid) \($0.executable)" })\n\(fixture.console.text)",
            sourceLocation: sourceLocation)
    }
    return try result.get()
}

/// A request with headers in order (repeats kept) and a Content-Length.
func requestBytes(_ method: String, _ target: String, port: Int, headers: [(String, String)] = [], body: [UInt8] = []) -> [UInt8] {
    var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "Content-Length: \(body.count)\r\n\r\n"
    return Array(head.utf8) + body
}

/// One request on a fresh connection, its whole response.
func exchange(
    _ port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
) async throws -> RawHTTPResponse {
    let bytes = requestBytes(method, target, port: port, headers: headers, body: body)
    return try await RawHTTP.onThread {
        let connection = try RawConnection(port: port, timeout: .seconds(60))
        try connection.send(bytes)
        return try connection.readResponse()
    }
}

/// `POST /2015-03-31/functions/NAME/invocations` with `payload`.
func invoke(_ port: Int, _ name: String, _ payload: String = "{}") async throws -> RawHTTPResponse {
    try await exchange(port, "POST", "/2015-03-31/functions/\(name)/invocations", body: Array(payload.utf8))
}

/// A connection whose request is sent and whose response is read step by step.
func open(_ port: Int, _ method: String, _ target: String, body: [UInt8] = []) async throws -> RawConnection {
    let bytes = requestBytes(method, target, port: port, body: body)
    return try await RawHTTP.onThread {
        let connection = try RawConnection(port: port, timeout: .seconds(60))
        try connection.send(bytes)
        return connection
    }
}

/// Reads chunks until the body so far ends with `"chunk 1\n"` (the fixture's first), and
/// returns it.
func readThroughFirstChunk(_ connection: RawConnection) async throws -> String {
    var received: [UInt8] = []
    while !String(decoding: received, as: UTF8.self).hasSuffix("chunk 1\n") {
        guard case .data(let bytes) = try await RawHTTP.onThread({ try connection.readChunk() }) else {
            throw RawHTTPError(description: "the body ended before chunk 1: \(String(decoding: received, as: UTF8.self))")
        }
        received += bytes
    }
    return String(decoding: received, as: UTF8.self)
}

/// Nothing has arrived on `connection` yet (no answer, not even a head).
func nothingArrived(on connection: RawConnection) -> Bool {
    var descriptor = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
    return poll(&descriptor, 1, 0) == 0
}
