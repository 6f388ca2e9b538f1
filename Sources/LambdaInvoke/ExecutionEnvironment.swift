#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import LambdaEmulator
public import LambdaSupport

/// How long each phase may take; Lambda's own limits by default.
public struct EnvironmentLimits: Sendable {
    /// Extensions registering and the runtime asking for its first invocation (Lambda: 10 s).
    public var initialisation: Duration
    /// Between SIGTERM and SIGKILL for the runtime at shutdown (Lambda: 500 ms with extensions).
    public var runtimeShutdown: Duration
    /// For extensions to finish after SHUTDOWN (Lambda: 2 s in all).
    public var extensionShutdown: Duration

    public init(
        initialisation: Duration = .seconds(10), runtimeShutdown: Duration = .milliseconds(500),
        extensionShutdown: Duration = .seconds(2)
    ) {
        self.initialisation = initialisation
        self.runtimeShutdown = runtimeShutdown
        self.extensionShutdown = extensionShutdown
    }
}

/// Why an environment stopped serving, for `serve`'s log.
public enum EnvironmentEnd: Sendable, Equatable, CustomStringConvertible {
    case functionExited(Termination)
    case invocationTimedOut
    case extensionExited(name: String, Termination)

    public var description: String {
        switch self {
        case .functionExited(let termination): "the function \(termination)"
        case .invocationTimedOut: "an invocation timed out and the function was killed"
        case .extensionExited(let name, let termination): "extension '\(name)' \(termination)"
        }
    }
}

/// One Lambda execution environment on this machine: the function's process and its
/// extensions' processes, started against an emulator with Lambda's environment, and ended
/// for sure. Lambda's order is kept: extensions register first, an invocation starts only when
/// the runtime and every extension wait for it, and at the end the runtime gets SIGTERM and the
/// extensions SHUTDOWN, then SIGKILL after the grace period.
///
/// Use `run`, which shuts the environment down on every path, errors and cancellation included.
public actor ExecutionEnvironment {
    public let artifacts: PreparedArtifacts
    public let emulator: LambdaEmulator
    public let limits: EnvironmentLimits
    private let variables: [String: String]
    private let output: ChildOutput
    var function: ChildProcess?
    var extensions: [(name: String, process: ChildProcess)] = []
    var isShutDown = false

    /// The function's process id while it runs.
    public var functionProcessID: Int32? { function?.pid }

    /// `-v`: told each process started, its directory and environment (secrets masked).
    private let trace: (@Sendable (String) -> Void)?

    private init(
        artifacts: PreparedArtifacts, overrides: [String: String], emulator: LambdaEmulator, limits: EnvironmentLimits, output: ChildOutput,
        trace: (@Sendable (String) -> Void)?
    ) {
        self.trace = trace
        self.artifacts = artifacts
        self.emulator = emulator
        self.limits = limits
        self.output = output
        variables = LambdaEnvironment.variables(
            for: emulator.configuration.function, runtimeAPI: emulator.endpoint, taskRoot: artifacts.taskRoot,
            optRoot: artifacts.optRoot, overrides: overrides)
    }

    /// Runs `body` with a new environment and shuts it down afterwards, whatever happens
    /// (`spindown` after success or cancellation, `failure` after an error): no process outlives
    /// this call.
    public static func run<T: Sendable>(
        _ artifacts: PreparedArtifacts, overrides: [String: String], emulator: LambdaEmulator,
        limits: EnvironmentLimits = EnvironmentLimits(), output: ChildOutput = .standardError,
        trace: (@Sendable (String) -> Void)? = nil, _ body: (ExecutionEnvironment) async throws -> T
    ) async throws -> T {
        let environment = ExecutionEnvironment(
            artifacts: artifacts, overrides: overrides, emulator: emulator, limits: limits, output: output, trace: trace)
        do {
            let value = try await body(environment)
            await environment.shutdown(reason: "spindown")
            return value
        } catch {
            // Ctrl-C is an orderly end; anything else is a failure, as the extensions are told.
            await environment.shutdown(reason: error is CancellationError ? "spindown" : "failure")
            throw error
        }
    }

    private enum Step: Sendable {
        case registered, ready, expired
        case firstNext(ContinuousClock.Instant)
        case initError(ErrorReport)
        case extensionInitError(String, ErrorReport)
        case exited(Termination)
        case extensionExited(String, Termination)
        case finished(InvocationResult)
    }

    /// Starts the extensions (each must register) and then the function, and returns the time
    /// from spawning the function to its first `next` (Lambda's Init Duration, the cold start)
    /// once the extensions are ready too. Throws the fault that stopped it.
    public func start() async throws -> Duration {
        let limit = limits.initialisation
        for (name, executable) in artifacts.extensions {
            let process = try spawn(executable, what: "extension '\(name)'", in: artifacts.optRoot)
            extensions.append((name, process))
            let step = try await Race.first(within: limit, expired: Step.expired, [
                { [emulator] in try await emulator.waitUntil { $0.extensionNamed(name).map { _ in Step.registered } } },
                { .exited(try await process.waitForExit()) },
            ])
            switch step {
            case .exited(let termination): throw InvokeError.extensionExited(name: name, termination, registered: false)
            case .expired: throw InvokeError.extensionDidNotRegister(name: name, limit: limit)
            default: continue
            }
        }

        let before = emulator.snapshot.runtimeNextCount
        let spawned = ContinuousClock.now
        let command = artifacts.command(variables: variables)
        let function = try spawn(
            command.executable, arguments: command.arguments, environment: command.environment, what: artifacts.function,
            in: command.workingDirectory)
        self.function = function
        let step = try await Race.first(within: limit, expired: Step.expired, [
            { [emulator] in try await emulator.waitUntil { $0.runtimeNextCount > before ? Step.firstNext($0.firstNext ?? .now) : nil } },
            { [emulator] in try await emulator.waitUntil { $0.initError.map(Step.initError) } },
            { .exited(try await function.waitForExit()) },
        ] + extensionFaults())
        let initDuration: Duration
        switch step {
        case .firstNext(let instant):
            initDuration = instant - spawned
        case .exited(let termination):
            throw InvokeError.initExited(function: artifacts.function, termination, initError: emulator.snapshot.initError)
        case .initError(let report):
            // Lambda ends an environment whose runtime failed to initialise; give it a moment to exit by itself.
            let termination = await function.stop(signal: nil, grace: .seconds(1))
            throw InvokeError.initFailed(function: artifacts.function, report, termination)
        case .expired:
            throw InvokeError.initTimedOut(function: artifacts.function, limit: limit)
        default:
            try throwExtensionFault(step)
            return .zero
        }

        guard !extensions.isEmpty else { return initDuration }
        let remaining = limit - (ContinuousClock.now - spawned)
        let ready = try await Race.first(within: max(remaining, .zero), expired: Step.expired, [
            { [emulator] in try await emulator.waitUntil { $0.extensions.allSatisfy(\.isWaiting) ? Step.ready : nil } },
            { .exited(try await function.waitForExit()) },
        ] + extensionFaults())
        switch ready {
        case .ready: return initDuration
        case .exited(let termination):
            throw InvokeError.initExited(function: artifacts.function, termination, initError: emulator.snapshot.initError)
        case .expired:
            let names = emulator.snapshot.extensions.filter { !$0.isWaiting }.map(\.name)
            throw InvokeError.extensionsNotReady(names: names, limit: limit)
        default:
            try throwExtensionFault(ready)
            return initDuration
        }
    }

    /// Delivers one event and returns how it ended: a response or a function error. A timeout
    /// (the function is killed), a crash or an extension's exit is thrown. A streamed answer's
    /// start and chunks go to `streamed` as they arrive, all of them before this returns.
    public func invoke(
        _ request: InvocationRequest, streamed: (@Sendable (InvocationEvent) async -> Void)? = nil
    ) async throws -> InvocationResult {
        guard let function, !isShutDown else { throw InvokeError.interrupted }
        let (events, continuation) = AsyncStream.makeStream(of: InvocationEvent.self)
        var observer: InvocationObserver?
        if streamed != nil {
            observer = { event in
                continuation.yield(event)
                if case .finished = event { continuation.finish() }
            }
        } else {
            continuation.finish()
        }
        let pending = emulator.enqueue(request, observer: observer)
        let id = pending.requestID
        let result: InvocationResult = try await withThrowingTaskGroup(of: Step.self) { group in
            group.addTask {
                if let streamed {
                    for await event in events {
                        if case .finished = event { break }
                        await streamed(event)
                    }
                }
                return .finished(await pending.result())
            }
            group.addTask { .exited(try await function.waitForExit()) }
            for (name, process) in extensions {
                group.addTask { .extensionExited(name, try await process.waitForExit()) }
            }
            defer { group.cancelAll() }
            var fault: Step?
            loop: while let step = try await group.next() {
                switch step {
                case .finished(let result):
                    // An answer wins even over an exit right after it; otherwise the fault explains.
                    if fault == nil || result.outcome.isAnswer { return result }
                    break loop
                case .exited(let termination) where fault == nil:
                    fault = step
                    await drainStream(id)
                    emulator.abandon(id, with: Self.exitReport(termination))
                case .extensionExited(let name, _) where fault == nil:
                    fault = step
                    emulator.abandon(id, with: ErrorReport(type: "Extension.Crash", message: "extension \(name) exited"))
                default:
                    continue
                }
            }
            try Task.checkCancellation()
            switch fault {
            case .exited(let termination)?: throw InvokeError.crashed(function: artifacts.function, requestID: id, termination)
            case .extensionExited(let name, let termination)?: throw InvokeError.extensionExited(name: name, termination, registered: true)
            default: throw InvokeError.interrupted
            }
        }
        try Task.checkCancellation()
        switch result.outcome {
        case .timedOut(let limit):
            await function.stop(signal: SIGKILL, grace: .zero)
            throw InvokeError.timedOut(function: artifacts.function, requestID: id, limit: limit)
        case .abandoned(let report):
            throw InvokeError.abandoned(function: artifacts.function, requestID: id, report)
        case .response, .error:
            return result
        }
    }

    /// For `serve`: waits until the environment can serve no more (the function exits, an
    /// invocation times out, an extension exits), ends what was in flight as Lambda would, and
    /// says why.
    public func watch() async throws -> EnvironmentEnd {
        guard let function else { throw InvokeError.interrupted }
        let timeouts = emulator.snapshot.timedOutCount
        let step = try await Race.first(expired: Step.expired, [
            { .exited(try await function.waitForExit()) },
            { [emulator] in try await emulator.waitUntil { $0.timedOutCount > timeouts ? Step.expired : nil } },
        ] + extensionExits())
        switch step {
        case .exited(let termination):
            for id in emulator.snapshot.streaming { await drainStream(id) }
            emulator.abandonAll(with: Self.exitReport(termination))
            return .functionExited(termination)
        case .extensionExited(let name, let termination):
            emulator.abandonAll(with: ErrorReport(type: "Extension.Crash", message: "extension \(name) exited"))
            return .extensionExited(name: name, termination)
        default:
            await function.stop(signal: SIGKILL, grace: .zero)
            return .invocationTimedOut
        }
    }

    /// After the runtime died mid-stream: waits (briefly) until the emulator has read what the
    /// runtime had sent before its connection closed, so those chunks still reach the caller.
    private func drainStream(_ id: String) async {
        guard emulator.snapshot.streaming.contains(id) else { return }
        _ = try? await Race.first(within: .seconds(1), expired: (), [
            { [emulator] in try await emulator.waitUntil { $0.streaming.contains(id) ? nil : () } },
        ])
    }

    /// The error object the invoke API gives for a runtime that exited, as Lambda words it.
    static func exitReport(_ termination: Termination) -> ErrorReport {
        let detail: String
        switch termination {
        case .exited(let status): detail = "exit status \(status)"
        case .signaled(let signal): detail = "signal: \(Termination.signalName(signal))"
        }
        return ErrorReport(type: "Runtime.ExitError", message: "Runtime exited with error: \(detail)")
    }

    /// Races that end when an extension reports an init error or exits.
    private func extensionFaults() -> [@Sendable () async throws -> Step] {
        let emulator = self.emulator
        return [{ try await emulator.waitUntil { snapshot in
            snapshot.extensions.first { $0.initError != nil }.map { Step.extensionInitError($0.name, $0.initError!) }
        } }] + extensionExits()
    }

    private func extensionExits() -> [@Sendable () async throws -> Step] {
        extensions.map { name, process in
            { @Sendable in .extensionExited(name, try await process.waitForExit()) }
        }
    }

    private func throwExtensionFault(_ step: Step) throws {
        switch step {
        case .extensionInitError(let name, let report): throw InvokeError.extensionInitError(name: name, report)
        case .extensionExited(let name, let termination): throw InvokeError.extensionExited(name: name, termination, registered: true)
        default: throw InvokeError.interrupted
        }
    }

    private func spawn(
        _ executable: String, arguments: [String] = [], environment: [String: String]? = nil, what: String, in directory: String
    ) throws -> ChildProcess {
        let environment = environment ?? variables
        if let trace {
            trace("Starting \(what): \(([executable] + arguments).joined(separator: " ")) in \(directory), with the environment:")
            LambdaEnvironment.displayed(environment).forEach { trace("  \($0)") }
        }
        do {
            return try ChildProcess.spawn(
                ChildSpec(executable: executable, arguments: arguments, environment: environment, workingDirectory: directory, output: output))
        } catch ProcessError.launchFailed(_, let reason) {
            throw InvokeError.cannotStart(what: "\(what) (\(executable))", reason: reason)
        }
    }
}

extension InvocationOutcome {
    /// A response or a function error: something the runtime itself posted.
    var isAnswer: Bool {
        switch self {
        case .response, .error: true
        case .timedOut, .abandoned: false
        }
    }
}
