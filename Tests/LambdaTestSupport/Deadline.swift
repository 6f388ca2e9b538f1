import Foundation

/// A test's watchdog for synchronous library code that used to hang: `work` runs on a thread
/// of its own and the test waits for it at most `timeout`. The test harness bounds the wait;
/// nothing is asserted about how long the work took.
public enum Deadline {
    public struct Missed: Error, CustomStringConvertible {
        public var timeout: Duration
        public var description: String { "did not finish within \(timeout) (it hangs)" }
    }

    /// The result of `work`, or `Missed` when it is still running after `timeout` (its thread is
    /// left running: a synchronous call cannot be cancelled).
    public static func run<T: Sendable>(within timeout: Duration, _ work: @escaping @Sendable () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Thread {
            box.set(Result { try work() })
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + .milliseconds(Int(timeout / .milliseconds(1)))) == .success, let result = box.get() else {
            throw Missed(timeout: timeout)
        }
        return try result.get()
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() -> Result<T, any Error>? { lock.withLock { result } }
}
