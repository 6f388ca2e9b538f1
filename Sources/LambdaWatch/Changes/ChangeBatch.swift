import Synchronization

/// The relevant paths that changed since the last rebuild, sorted and each once: what the watch
/// loop rebuilds for, and what it can name in its "rebuilding because" line.
public struct ChangeBatch: Sendable, Equatable {
    public let paths: [String]

    public init(paths: some Sequence<String>) {
        self.paths = Set(paths).sorted()
    }
}

/// Batches as the watch loop takes them: each time it asks, every batch that arrived since it
/// last asked, as one. A loop busy rebuilding while three more bursts arrive rebuilds once
/// more, not three times. Ending the iteration (Ctrl-C) ends the underlying stream.
public struct MergedChanges: AsyncSequence, Sendable {
    public typealias Element = ChangeBatch

    fileprivate final class Pending: Sendable {
        let paths = Mutex<Set<String>>([])
    }

    private let pending = Pending()
    /// That changes are pending, at most one unread: the paths are taken when the loop asks,
    /// so a signal whose paths were taken already finds nothing and is skipped.
    private let signals: AsyncThrowingStream<Void, any Error>

    public init(_ batches: AsyncThrowingStream<ChangeBatch, any Error>) {
        let (signals, signal) = AsyncThrowingStream<Void, any Error>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let pending = self.pending
        let forwarding = Task {
            do {
                for try await batch in batches {
                    pending.paths.withLock { $0.formUnion(batch.paths) }
                    signal.yield()
                }
                signal.finish()
            } catch {
                signal.finish(throwing: error)
            }
        }
        signal.onTermination = { _ in forwarding.cancel() }
        self.signals = signals
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let pending: Pending
        fileprivate var signals: AsyncThrowingStream<Void, any Error>.AsyncIterator

        public mutating func next() async throws -> ChangeBatch? {
            while try await signals.next() != nil {
                let paths = pending.paths.withLock { paths in
                    defer { paths = [] }
                    return paths
                }
                if !paths.isEmpty { return ChangeBatch(paths: paths) }
            }
            return nil
        }
    }

    /// The paths taken from the watcher and not yet handed to the loop (for tests).
    var pendingPaths: Set<String> { pending.paths.withLock { $0 } }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pending: pending, signals: signals.makeAsyncIterator())
    }
}
