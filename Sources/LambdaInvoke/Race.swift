/// The first of several things to happen, the rest cancelled: how the environment waits for "the
/// function asked for an invocation, or it exited, or it posted an init error, or time ran out"
/// without polling.
enum Race {
    /// The value of the first operation to finish, or `expired` once `limit` has passed. Every
    /// operation must end promptly when cancelled.
    static func first<T: Sendable>(
        within limit: Duration? = nil, expired: T, _ operations: [@Sendable () async throws -> T]
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            for operation in operations { group.addTask(operation: operation) }
            if let limit {
                group.addTask {
                    try await Task.sleep(for: limit)
                    return expired
                }
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            try Task.checkCancellation()
            return first
        }
    }
}
