import CSystemShims
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child process ended.
public enum Termination: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .signaled(let signal): "was killed by signal \(signal) (\(Termination.signalName(signal)))"
        }
    }

    /// `SIGSEGV` for 11 and so on, for messages a person reads.
    public static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
            SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}

/// Where a child's standard output and standard error go.
public enum ChildOutput: Sendable, Hashable {
    /// Both to this process's standard error, so standard output stays free for results.
    case standardError
    /// Both to this file (created or truncated), for tests that read what a child printed.
    case file(String)
    case discarded
    /// Both to this process's standard error, each line after this prefix (`watch` tells its
    /// functions apart so): read from a pipe on a thread of its own until the child and every
    /// process it started close it.
    case prefixed(String)
}

/// What to start: an executable with exactly this environment (nothing inherited: a Lambda
/// function must not work locally only because of something in the developer's shell).
public struct ChildSpec: Sendable, Hashable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    public var output: ChildOutput

    public init(
        executable: String, arguments: [String] = [], environment: [String: String],
        workingDirectory: String? = nil, output: ChildOutput = .standardError
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.output = output
    }
}

/// A child process started by `swift_lambda_spawn` (CSystemShims): every child of swift-lambda,
/// the short commands of `SubprocessRunner` included. It can be watched for an exit while other
/// work goes on, and signalled at any time without racing its reaping.
///
/// On Linux the child gets SIGKILL when this process ends, even by SIGKILL (see the shim), so no
/// child outlives the tool. The child leads a process group of its own; signals go to the whole
/// group, and when the child exits whatever it left behind in the group is killed, as Lambda
/// discards a whole sandbox. A reaper thread first waits for the exit without reaping
/// (`WNOWAIT`), then, holding the lock `signal` takes, sweeps the group and reaps: the pid cannot
/// be reused while a signal is sent.
public final class ChildProcess: Sendable {
    public let pid: Int32
    public let spec: ChildSpec
    private let state = Locked(State())

    private struct State {
        var termination: Termination?
        var waiters: [UUID: CheckedContinuation<Termination, any Error>] = [:]
        var cancelled: Set<UUID> = []
    }

    private init(pid: Int32, spec: ChildSpec) {
        self.pid = pid
        self.spec = spec
    }

    /// Starts the child; throws `ProcessError.launchFailed` with the system's reason (a missing
    /// file, a file that is not executable, an executable for another architecture).
    public static func spawn(_ spec: ChildSpec) throws -> ChildProcess {
        var outputFD: Int32 = -1
        var ownsOutput = false
        switch spec.output {
        case .standardError: outputFD = 2
        case .discarded: outputFD = -1
        case .file(let path):
            outputFD = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
            guard outputFD >= 0 else {
                throw ProcessError.launchFailed(spec.invocation, reason: "cannot open \(path): \(errnoText(errno))")
            }
            ownsOutput = true
        case .prefixed(let prefix):
            var ends: [Int32] = [-1, -1]
            guard swift_lambda_pipe(&ends) == 0 else {
                throw ProcessError.launchFailed(spec.invocation, reason: "pipe: \(errnoText(errno))")
            }
            outputFD = ends[1]
            ownsOutput = true
            PrefixedLines.forward(from: ends[0], prefix: prefix)
        }
        defer { if ownsOutput { close(outputFD) } }
        return try spawn(spec, standardOutput: outputFD, standardError: outputFD)
    }

    /// Starts the child with its standard output and error on these descriptors (-1: /dev/null).
    static func spawn(_ spec: ChildSpec, standardOutput: Int32, standardError: Int32) throws -> ChildProcess {
        let argv = [spec.executable] + spec.arguments
        let envp = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointer in
            withCStrings(envp) { envpPointer in
                swift_lambda_spawn(
                    &pid, spec.executable, argvPointer, envpPointer, spec.workingDirectory, standardOutput, standardError)
            }
        }
        guard status == 0 else {
            throw ProcessError.launchFailed(spec.invocation, reason: errnoText(status))
        }
        let child = ChildProcess(pid: pid, spec: spec)
        live.withLock { $0[pid] = child }
        let reaper = Thread { child.reap() }
        reaper.name = "swift-lambda reaper \(pid)"
        reaper.start()
        return child
    }

    /// Every child started and not yet reaped, so an interrupt can stop them all.
    private static let live = Locked([Int32: ChildProcess]())

    /// Stops every running child (`signal` to its group, SIGKILL after `grace`) and returns once
    /// all are reaped: an interrupted run leaves no process behind.
    public static func stopAll(signal: Int32, grace: Duration) async {
        let children = live.withLock { Array($0.values) }
        await withTaskGroup(of: Void.self) { group in
            for child in children {
                group.addTask { await child.stop(signal: signal, grace: grace) }
            }
        }
    }

    /// How the child ended, or nil while it runs.
    public var termination: Termination? { state.withLock { $0.termination } }

    /// Waits for the child to end. Throws `CancellationError` when the waiting task is cancelled
    /// (the child keeps running), so it can race other events in a task group.
    public func waitForExit() async throws -> Termination {
        let id = UUID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<Termination, any Error>? = state.withLock { state in
                    if let termination = state.termination { return .success(termination) }
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    if state.termination == nil { state.cancelled.insert(id) }
                    return nil as CheckedContinuation<Termination, any Error>?
                }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Sends `signal` to the child's process group, unless it has already been reaped.
    public func signal(_ signal: Int32) {
        state.withLock { state in
            if state.termination == nil { _ = kill(-pid, signal) }
        }
    }

    /// Ends the child for sure: sends `signal` (if any), SIGKILL after `grace`, and returns once
    /// it is reaped. Not affected by cancellation, so cleanup always completes.
    @discardableResult
    public func stop(signal first: Int32?, grace: Duration) async -> Termination {
        if let termination { return termination }
        if let first { self.signal(first) }
        let nanoseconds = max(0, grace.components.seconds * 1_000_000_000 + grace.components.attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
            self.signal(SIGKILL)
        }
        return await Task.detached { [self] in
            // A detached task does not inherit cancellation: the wait below cannot be cut short.
            while true {
                if let termination = try? await waitForExit() { return termination }
            }
        }.value
    }

    /// Runs on the reaper thread until the child has ended.
    private func reap() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let (termination, waiters) = state.withLock { state -> (Termination, [CheckedContinuation<Termination, any Error>]) in
            _ = kill(-pid, SIGKILL)  // what the child left in its group
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let termination: Termination = (status & 0x7f) == 0
                ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
            state.termination = termination
            let waiters = Array(state.waiters.values)
            state.waiters = [:]
            state.cancelled = []
            return (termination, waiters)
        }
        _ = Self.live.withLock { $0.removeValue(forKey: pid) }
        for waiter in waiters { waiter.resume(returning: termination) }
    }
}

extension ChildSpec {
    /// The same command as an `Invocation`, for messages.
    public var invocation: Invocation {
        Invocation(executable: executable, arguments: arguments, workingDirectory: workingDirectory)
    }
}

/// A value guarded by a lock, for state that threads outside Swift concurrency (reapers, event
/// loops) share with tasks.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

func errnoText(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "errno \(code)" }
    return String(cString: message)
}

/// Calls `body` with a NULL-terminated C array of `strings`.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
