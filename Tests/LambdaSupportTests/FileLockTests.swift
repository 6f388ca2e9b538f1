import Foundation
import Testing

@testable import LambdaSupport

#if canImport(Glibc)
import Glibc
#endif

/// The per-package lock: exclusive, and saying who holds it.
@Suite struct FileLockTests {
    @Test func lockSaysWhoHoldsIt() async throws {
        let path = NSTemporaryDirectory() + "lock-\(UUID().uuidString)/lock"
        let first = try await FileLock.acquire(at: path) { _ in Issue.record("the first run waited") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(getpid())\n")
        // flock locks belong to open files: a second open in this process waits as another process would.
        let waitedFor = Locked<[Int32?]>([])
        let second = Task { try await FileLock.acquire(at: path) { holder in waitedFor.withLock { $0.append(holder) } } }
        while waitedFor.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        first.release()
        try await second.value.release()
        #expect(waitedFor.withLock { $0 } == [getpid()])
    }
}
