import Foundation
import LambdaEmulator
import LambdaSupport
import LambdaTestSupport
import Testing

@testable import LambdaWatch

/// The pool's life cycle with real processes: `pause` holds invocations until `resume`,
/// `resume(replacingWith:)` ends the old process and the next invocation starts the new
/// settings, extensions run beside each environment and get SHUTDOWN, and `stop` leaves no
/// process behind. Serialized: each test starts processes.
@Suite(.serialized) struct FunctionPoolTests {
    /// The request reaches the pool and is held there (heldCount), no environment starts and no
    /// byte of an answer arrives; after `resume` it is answered.
    @Test func anInvocationSentWhilePausedIsAnsweredAfterResume() async throws {
        let fixture = try Fixture("fn")
        let pool = fixture.pool()
        try await serving([(fixture, pool)]) { gateway in
            await pool.pause()
            let client = try await open(gateway.port, "POST", "/2015-03-31/functions/fn/invocations", body: Array(#"{"n":1}"#.utf8))
            #expect(await eventually { await pool.heldCount == 1 }, "the invocation never reached the pool")
            #expect(await pool.environmentCount == 0)
            #expect(fixture.runtimePID == nil, "no runtime starts while paused")
            #expect(nothingArrived(on: client))
            await pool.resume()
            let response = try await RawHTTP.onThread { try client.readResponse() }
            #expect(response.status == 200)
            #expect(response.text == #"{"n":1}"#)
            #expect(await pool.heldCount == 0)
            #expect(await pool.environmentCount == 1)
        }
    }

    /// A rebuild's swap: the old runtime is shut down (and reaped) before `resume` returns, and
    /// the next invocation runs a new process with the new settings.
    @Test func resumeWithNewSettingsReplacesTheEnvironment() async throws {
        let fixture = try Fixture("fn")
        let pool = fixture.pool()
        try await serving([(fixture, pool)]) { gateway in
            #expect(try await invoke(gateway.port, "fn", "[1]").text == "[1]")
            let oldPID = try #require(fixture.runtimePID)
            #expect(!isGone(oldPID))

            await pool.pause()
            await pool.resume(replacingWith: fixture.settings(["FIXTURE_MODE": "answer", "FIXTURE_ANSWER": #""rebuilt""#]))
            #expect(await eventually { isGone(oldPID) }, "the old runtime \(oldPID) outlived the swap")
            #expect(await pool.environmentCount == 0)
            #expect(await pool.settings.overrides["FIXTURE_MODE"] == "answer")

            #expect(try await invoke(gateway.port, "fn", "[1]").text == #""rebuilt""#)
            let newPID = try #require(fixture.runtimePID)
            #expect(newPID != oldPID)
            #expect(await pool.environmentCount == 1)
        }
    }

    /// The extension registers beside the environment, sees the INVOKE of the very request
    /// the invoke API answered, and after `stop` gets SHUTDOWN; then it and the runtime are gone.
    @Test func anExtensionRunsBesideTheEnvironmentAndIsShutDownByStop() async throws {
        let fixture = try Fixture("fn", extensions: ["logger"])
        let pool = fixture.pool()
        let router = WatchRouter(pools: ["fn": pool])
        let server = try await GatewayServer.start(host: "127.0.0.1", port: 0, maximumBody: EmulatorConfiguration.maximumPayloadBytes) {
            request, responder in await router.handle(request, responder)
        }
        let response = try await invoke(server.port, "fn", "[7]")
        await server.stop()
        #expect(response.text == "[7]")
        let requestID = try #require(response.headers["x-amzn-requestid"])
        #expect(await eventually { fixture.outputText.contains("[logger] INVOKE \(requestID)\n") }, "\(fixture.outputText)")
        let runtimes = fixture.processes(named: "/fn/bootstrap")
        let extensions = fixture.processes(named: "/extensions/logger")
        #expect(runtimes.count == 1 && extensions.count == 1, "\(fixture.processes)")

        await pool.stop()
        #expect(fixture.outputText.contains("[logger] SHUTDOWN spindown\n"), "\(fixture.outputText)")
        // stop() returns once every process is reaped: no waiting needed, none allowed.
        for pid in runtimes + extensions { #expect(isGone(pid), "process \(pid) outlived stop()") }
        #expect(fixture.processes.isEmpty)
        #expect(await pool.environmentCount == 0)
    }

    /// Ctrl-C with an invocation in flight: it ends as abandoned, and no process is left.
    @Test func stopEndsAnInvocationInFlightAndLeavesNoProcess() async throws {
        let fixture = try Fixture("fn")
        let pool = fixture.pool(["FIXTURE_MODE": "hang"])
        let running = Task { await pool.invoke(InvocationRequest(payload: Array("{}".utf8))) }
        #expect(await eventually { fixture.runtimePID != nil }, "\(fixture.console.text)")
        let pid = try #require(fixture.runtimePID)
        await pool.stop()
        let result = await running.value
        guard case .abandoned = result.outcome else {
            Issue.record("the invocation in flight ended as \(result.outcome), not abandoned")
            return
        }
        #expect(isGone(pid))
        #expect(fixture.processes.isEmpty)
        #expect(await pool.environmentCount == 0)
        // Stopping again changes nothing: the environment that was in flight is not counted twice.
        await pool.stop()
        #expect(await pool.environmentCount == 0)
    }

    /// Ctrl-C during a rebuild: the invocations held by `pause` end as abandoned instead of
    /// waiting forever for a `resume` that will not come, and so does one sent after `stop`;
    /// no environment starts for them.
    @Test func stopEndsTheInvocationsHeldByPauseAndRefusesNewOnes() async throws {
        let fixture = try Fixture("fn")
        let pool = fixture.pool()
        await pool.pause()
        let ended = Locked<[InvocationResult]>([])
        Task {
            let result = await pool.invoke(InvocationRequest(payload: Array("{}".utf8)))
            ended.withLock { $0.append(result) }
        }
        #expect(await eventually { await pool.heldCount == 1 })
        await pool.stop()
        #expect(await eventually { ended.withLock { $0.count } == 1 }, "the held invocation never ended")
        Task {
            let result = await pool.invoke(InvocationRequest(payload: Array("{}".utf8)))
            ended.withLock { $0.append(result) }
        }
        #expect(await eventually { ended.withLock { $0.count } == 2 }, "an invocation after stop never ended")
        for result in ended.withLock({ $0 }) {
            guard case .abandoned(let report) = result.outcome else {
                Issue.record("ended as \(result.outcome), not abandoned")
                continue
            }
            #expect(report.type == "Runtime.Unavailable")
        }
        #expect(await pool.heldCount == 0)
        #expect(await pool.environmentCount == 0)
        #expect(fixture.runtimePID == nil, "no runtime started")
        #expect(fixture.processes.isEmpty)
    }
}
