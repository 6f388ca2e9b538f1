import LambdaSupport

/// Ctrl-C and `kill` turned into task cancellation. The function and its extensions run in
/// process groups of their own, so a terminal's SIGINT does not reach them; cancelling lets
/// `invoke` and `serve` stop and reap them before exiting, instead of dying with them running.
public enum Interruption {
    /// Runs `body` in a task that SIGINT, SIGTERM and SIGHUP cancel.
    public static func cancellingOnSignals<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let watch = SignalWatch { _ in task.cancel() }
        defer { watch.cancel() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

}
