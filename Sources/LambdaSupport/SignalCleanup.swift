#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A run that SIGINT, SIGTERM or SIGHUP stopped.
public struct Interrupted: Error, Sendable, Equatable, CustomStringConvertible {
    public var signal: Int32

    public init(signal: Int32) { self.signal = signal }

    /// 128 plus the signal, as a shell reports a command the signal killed (130, 143).
    public var exitStatus: Int32 { 128 + signal }

    public var description: String {
        "interrupted by \(Termination.signalName(signal)); the processes this run started were stopped and its staged files removed, so the previous artifacts are unchanged"
    }
}

/// Interrupts of a run that writes artifacts. Without a handler, SIGINT and SIGTERM end the tool at
/// once: its children keep running in their own process groups and its staging stays on disk.
/// Here the signal is passed to every child's process group (`ChildProcess.stopAll`: the same
/// signal, SIGKILL after a grace period), then this run's staged items are removed
/// (`Staging.removeOwn`), then `run` throws `Interrupted`, for the caller to exit with its status.
/// Work still running in this process (a zip being written) ends with the process; anything it
/// creates after the removal carries this run's pid, which the next run sweeps.
public enum SignalCleanup {
    private enum Phase { case running, interrupted, finished }

    /// Moves a running run to `next`; false when the other way (end or signal) came first.
    private static func claim(_ phase: Locked<Phase>, as next: Phase) -> Bool {
        phase.withLock { phase in
            guard phase == .running else { return false }
            phase = next
            return true
        }
    }

    /// Runs `body`; the first SIGINT, SIGTERM or SIGHUP while it runs stops it as described above.
    public static func run<T: Sendable>(
        grace: Duration = .seconds(2), _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let phase = Locked(Phase.running)
        let watch = Locked<SignalWatch?>(nil)
        defer { watch.withLock { $0?.cancel() } }
        return try await withCheckedThrowingContinuation { continuation in
            let task = Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                if claim(phase, as: .finished) { continuation.resume(with: result) }
            }
            let installed = SignalWatch { number in
                guard claim(phase, as: .interrupted) else { return }
                Task.detached {
                    await ChildProcess.stopAll(signal: number, grace: grace)
                    task.cancel()
                    Staging.removeOwn()
                    continuation.resume(throwing: Interrupted(signal: number))
                }
            }
            watch.withLock { $0 = installed }
        }
    }
}
