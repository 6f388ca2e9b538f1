import Synchronization
import Testing

@testable import LambdaWatch

/// The watch loop takes every batch that arrived while it rebuilt as one.
@Suite struct MergedChangesTests {
    @Test func batchesThatArriveWhileTheLoopIsBusyAreOne() async throws {
        let (batches, continuation) = AsyncThrowingStream<ChangeBatch, any Error>.makeStream()
        let changes = MergedChanges(batches)
        var merged = changes.makeAsyncIterator()
        continuation.yield(ChangeBatch(paths: ["/p/a.swift"]))
        #expect(try await merged.next() == ChangeBatch(paths: ["/p/a.swift"]))
        // The loop is "rebuilding": three bursts arrive before it asks again.
        continuation.yield(ChangeBatch(paths: ["/p/b.swift"]))
        continuation.yield(ChangeBatch(paths: ["/p/c.swift", "/p/b.swift"]))
        continuation.yield(ChangeBatch(paths: ["/p/Package.swift"]))
        try await waitUntil { changes.pendingPaths.count == 3 }
        #expect(try await merged.next() == ChangeBatch(paths: ["/p/b.swift", "/p/c.swift", "/p/Package.swift"]))
        continuation.yield(ChangeBatch(paths: ["/p/d.swift"]))
        #expect(try await merged.next() == ChangeBatch(paths: ["/p/d.swift"]))
        continuation.finish()
        #expect(try await merged.next() == nil)
    }

    @Test func theWatchersErrorEndsTheLoop() async throws {
        struct Broken: Error {}
        let (batches, continuation) = AsyncThrowingStream<ChangeBatch, any Error>.makeStream()
        var merged = MergedChanges(batches).makeAsyncIterator()
        continuation.finish(throwing: Broken())
        await #expect(throws: Broken.self) { _ = try await merged.next() }
    }

    /// Ctrl-C cancels the loop's task: the watcher's stream is ended too, so its thread stops.
    @Test func cancellingTheLoopEndsTheWatchersStream() async throws {
        let (batches, continuation) = AsyncThrowingStream<ChangeBatch, any Error>.makeStream()
        let ended = Mutex(false)
        continuation.onTermination = { _ in ended.withLock { $0 = true } }
        let loop = Task {
            for try await _ in MergedChanges(batches) {}
        }
        loop.cancel()
        _ = try? await loop.value
        try await waitUntil { ended.withLock { $0 } }
    }

    /// The forwarding task runs on its own: wait (bounded) until it took what was yielded.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        try #require(condition())
    }
}
