import Foundation
public import LambdaEmulator
public import LambdaInvoke

/// What one function is run with: its artifacts in the lambda directory and Lambda's settings.
public struct PoolSettings: Sendable {
    public var name: String
    public var artifacts: PreparedArtifacts
    /// Over Lambda's own variables: `--env`, `--env-file`, the `env` tables.
    public var overrides: [String: String]
    public var timeout: Duration
    /// Environments of this function that may run at once (`--concurrency`).
    public var concurrency: Int
    /// What the environments run, as written (`WatchWorkflow.signature`): equal after a rebuild,
    /// and the warm environments are kept.
    public var signature: String

    public init(
        name: String, artifacts: PreparedArtifacts, overrides: [String: String], timeout: Duration, concurrency: Int,
        signature: String = ""
    ) {
        self.name = name
        self.artifacts = artifacts
        self.overrides = overrides
        self.timeout = timeout
        self.concurrency = concurrency
        self.signature = signature
    }
}

/// The execution environments of one function, as Lambda runs them: each is one process (and
/// its extensions) behind an emulator of its own, started on first use and kept warm; at most
/// `concurrency` run at once and each takes one invocation at a time, so an invocation waits
/// for a free one. `pause` holds new invocations (a rebuild is running); `resume` lets them
/// through, after replacing every environment when the build changed the artifacts.
public actor FunctionPool {
    private final class Environment: Sendable {
        let emulator: LambdaEmulator
        let task: Task<Void, Never>
        init(emulator: LambdaEmulator, task: Task<Void, Never>) {
            self.emulator = emulator
            self.task = task
        }
    }

    public private(set) var settings: PoolSettings
    private let context: InvokeContext
    private var idle: [Environment] = []
    /// Environments started or being started, busy or idle.
    private var count = 0
    private var busy = 0
    private var freed: [CheckedContinuation<Void, Never>] = []
    private var paused = false
    private var held: [CheckedContinuation<Void, Never>] = []
    private var started = 0

    public init(settings: PoolSettings, context: InvokeContext) {
        self.settings = settings
        self.context = context
    }

    /// Environments running now (for tests and the status line).
    public var environmentCount: Int { count }

    /// Invocations held by `pause`, waiting for `resume` (for tests and the status line).
    public var heldCount: Int { held.count }

    /// Runs one invocation on a free environment and returns how it ended. `observer` is told
    /// of a streamed answer's start and chunks, then always of the end, even when no
    /// environment could be started.
    public func invoke(_ request: InvocationRequest, observer: InvocationObserver? = nil) async -> InvocationResult {
        while paused && !stopped { await withCheckedContinuation { held.append($0) } }
        let environment: Environment
        do {
            environment = try await acquire()
        } catch {
            let message = error is Stopped ? "the function's environments were stopped" : "no environment could start: \(error)"
            let result = InvocationResult(
                requestID: UUID().uuidString.lowercased(), outcome: .abandoned(ErrorReport(type: "Runtime.Unavailable", message: message)))
            observer?(.finished(result))
            return result
        }
        let result = await environment.emulator.enqueue(request, observer: observer).result()
        release(environment)
        return result
    }

    private struct Stopped: Error {}

    /// Holds every invocation that arrives from now on until `resume`.
    public func pause() {
        paused = true
    }

    /// Lets held invocations through. With `settings` (a rebuild that succeeded: new binaries,
    /// perhaps new variables), first waits for the invocations in flight, then shuts every
    /// environment down (SHUTDOWN to its extensions, SIGTERM to the runtime) so the next
    /// invocation starts the new binary.
    public func resume(replacingWith settings: PoolSettings? = nil) async {
        if let settings {
            while busy > 0 { await withCheckedContinuation { freed.append($0) } }
            await shutDownIdle()
            // An unpacked image (`watch --image`) is the old environments' root: theirs alone now.
            let old = self.settings.artifacts
            self.settings = settings
            if old.temporaryDirectory != settings.artifacts.temporaryDirectory { old.remove() }
        }
        paused = false
        let waiting = held
        held = []
        waiting.forEach { $0.resume() }
    }

    /// Shuts every environment down (Ctrl-C), for good: invocations in flight, those held by
    /// `pause` or waiting for a free environment, and any sent later end as abandoned, and no
    /// environment starts again. Idempotent.
    public func stop() async {
        stopped = true
        let waiting = held + freed
        held = []
        freed = []
        waiting.forEach { $0.resume() }
        await shutDownIdle()
        for environment in busyEnvironments { await end(environment) }
        settings.artifacts.remove()
    }

    /// Set by `stop`: the held invocations must not wait for a `resume` that will not come, and
    /// an environment ended while busy must not go back to `idle` when its invocation returns
    /// (it would be ended, and counted off, a second time).
    private var stopped = false

    private var busyEnvironments: [Environment] = []

    private func shutDownIdle() async {
        let ending = idle
        idle = []
        for environment in ending { await end(environment) }
    }

    private func end(_ environment: Environment) async {
        environment.task.cancel()
        await environment.task.value
        await environment.emulator.stop()
        count -= 1
    }

    private func acquire() async throws -> Environment {
        while true {
            if stopped { throw Stopped() }
            if let environment = idle.popLast() {
                return take(environment)
            }
            if count < settings.concurrency {
                count += 1
                // One being started counts as busy, so `resume(replacingWith:)` waits for it
                // rather than leave it serving with the settings it was started with.
                busy += 1
                let environment: Environment
                do {
                    environment = try await start()
                } catch {
                    count -= 1
                    busy -= 1
                    wakeFreed()
                    throw error
                }
                busy -= 1
                // `stop` ran while the emulator started: it did not know of this environment.
                if stopped {
                    await end(environment)
                    throw Stopped()
                }
                return take(environment)
            }
            await withCheckedContinuation { freed.append($0) }
        }
    }

    private func take(_ environment: Environment) -> Environment {
        busy += 1
        busyEnvironments.append(environment)
        return environment
    }

    private func release(_ environment: Environment) {
        busy -= 1
        busyEnvironments.removeAll { $0 === environment }
        if !stopped { idle.append(environment) }
        wakeFreed()
    }

    /// Lets every invocation (and `resume`) waiting for a free environment look again.
    private func wakeFreed() {
        let waiting = freed
        freed = []
        waiting.forEach { $0.resume() }
    }

    /// A new environment: an emulator on a free port and the loop that starts the function on
    /// the first invocation queued there and keeps it warm.
    private func start() async throws -> Environment {
        started += 1
        let settings = self.settings
        let label = settings.concurrency > 1 ? "\(settings.name)#\(started)" : settings.name
        var context = self.context
        context.console = PrefixedConsole(base: context.console, prefix: "[\(label)] ")
        if case .standardError = context.childOutput { context.childOutput = .prefixed("[\(label)] ") }
        let log = InvocationLog(console: context.console)
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(
            port: 0, function: LambdaEnvironment.identity(name: settings.name, overrides: settings.overrides),
            timeout: settings.timeout, extensionNames: Set(settings.artifacts.extensions.map(\.name)), onEvent: log.record))
        let task = Task { [context] in
            _ = try? await WarmEnvironment.serve(
                settings.artifacts, overrides: settings.overrides, emulator: emulator, log: log, context: context,
                waitsForFirstInvocation: true)
        }
        return Environment(emulator: emulator, task: task)
    }
}

/// A console whose log lines name the function they are about.
struct PrefixedConsole: InvokeConsole {
    let base: any InvokeConsole
    let prefix: String

    func log(_ line: String) { base.log(prefix + line) }
    func result(_ line: String) { base.result(line) }
    func output(_ bytes: [UInt8]) { base.output(bytes) }
    func write(_ bytes: [UInt8]) { base.write(bytes) }
}
