import Foundation

/// Tells the watch loop "the package's inputs changed, rebuild": file-system events for the
/// roots, kept when the filter says they are inputs, coalesced into batches.
///
/// The waiting happens on a thread of its own (a blocking `poll`), so no task of the
/// cooperative pool is held; ending the stream's consumer wakes that thread, which closes its
/// descriptors and ends.
public enum ChangeWatcher {
    /// How changes are noticed.
    public enum Mode: Sendable, Equatable {
        /// inotify on Linux; polling elsewhere, or when inotify cannot watch (watch limit reached).
        case automatic
        /// inotify only: the stream fails when it cannot watch.
        case inotify
        /// Scanning sizes and modification times every `pollInterval`.
        case polling
    }

    /// What the watcher thread reports about itself, for a log line (and for tests to wait on).
    public enum Status: Sendable, Equatable {
        /// Every directory is watched (or scanned once): changes from now on are seen.
        case watching(Mode)
        /// inotify could not watch (why given); polling took over.
        case fellBackToPolling(reason: String)
        /// The thread ended and closed its descriptors.
        case stopped
    }

    /// Batches of changes below `roots`, the relevant ones by `filter` (by default the
    /// `.gitignore` files found in the roots, read when the watcher starts).
    ///
    /// A batch is emitted `quiet` after its last change, or `maximumDelay` after its first.
    /// The stream fails with `ChangeWatchError` when a root is not a directory.
    public static func changes(
        roots: [String], filter: ChangeFilter? = nil, quiet: Duration = .milliseconds(300),
        maximumDelay: Duration = .seconds(2), mode: Mode = .automatic, pollInterval: Duration = .milliseconds(250),
        status: @escaping @Sendable (Status) -> Void = { _ in }
    ) -> AsyncThrowingStream<ChangeBatch, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ChangeBatch, any Error>.makeStream()
        let wake: WakePipe
        do {
            wake = try WakePipe()
        } catch {
            continuation.finish(throwing: error)
            return stream
        }
        continuation.onTermination = { _ in wake.signal() }
        let settings = Settings(
            roots: roots.map(ChangeFilter.normalized), filter: filter, quiet: quiet, maximumDelay: maximumDelay, mode: mode,
            pollInterval: pollInterval)
        let thread = Thread {
            WatchLoop(settings: settings, wake: wake, status: status).run(continuation)
        }
        thread.name = "swift-lambda change watcher"
        thread.start()
        return stream
    }

    struct Settings: Sendable {
        var roots: [String]
        var filter: ChangeFilter?
        var quiet: Duration
        var maximumDelay: Duration
        var mode: Mode
        var pollInterval: Duration
    }
}
