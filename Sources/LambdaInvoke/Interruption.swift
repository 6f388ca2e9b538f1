import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C and `kill` turned into task cancellation. The function and its extensions run in
/// process groups of their own, so a terminal's SIGINT does not reach them; cancelling lets
/// `invoke` and `serve` stop and reap them before exiting, instead of dying with them running.
public enum Interruption {
    /// Runs `body` in a task that SIGINT, SIGTERM and SIGHUP cancel.
    public static func cancellingOnSignals<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let numbers = [SIGINT, SIGTERM, SIGHUP]
        let sources = numbers.map { number in
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            for number in numbers { _ = signal(number, SIG_DFL) }
        }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

}
