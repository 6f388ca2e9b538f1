/// The watcher thread's body: wait on the source, coalesce, yield due batches, until woken.
struct WatchLoop {
    let settings: ChangeWatcher.Settings
    let wake: WakePipe
    let status: @Sendable (ChangeWatcher.Status) -> Void

    func run(_ continuation: AsyncThrowingStream<ChangeBatch, any Error>.Continuation) {
        var source: (any ChangeSource)?
        var failure: (any Error)?
        do {
            for root in settings.roots where FileTree.stamp(root)?.isDirectory != true {
                throw ChangeWatchError.missingRoot(root)
            }
            let filter = settings.filter ?? ChangeFilter.load(roots: settings.roots)
            source = try makeSource(filter)
            status(.watching(source!.mode))
            var coalescer = ChangeCoalescer(quiet: settings.quiet, maximumDelay: settings.maximumDelay)
            while true {
                if let batch = coalescer.flush(at: .now) { continuation.yield(batch) }
                let changes: [String]?
                do {
                    changes = try source!.wait(until: coalescer.deadline, wake: wake.readEnd)
                } catch let unavailable as InotifyUnavailable {
                    // A directory created later hit the watch limit: poll from now on, and count
                    // everything as changed since events may have been missed.
                    source!.close()
                    source = nil
                    source = try fallBack(filter, reason: unavailable.reason)
                    changes = settings.roots
                }
                guard let changes else { break }
                coalescer.record(changes, at: .now)
            }
        } catch {
            failure = error
        }
        source?.close()
        wake.release()
        status(.stopped)
        continuation.finish(throwing: failure)
    }

    private func makeSource(_ filter: ChangeFilter) throws -> any ChangeSource {
        switch settings.mode {
        case .polling:
            return PollingSource(roots: settings.roots, filter: filter, interval: settings.pollInterval)
        case .inotify, .automatic:
            #if os(Linux)
            do {
                return try InotifySource(roots: settings.roots, filter: filter)
            } catch let unavailable as InotifyUnavailable {
                return try fallBack(filter, reason: unavailable.reason)
            }
            #else
            return try fallBack(filter, reason: "inotify is Linux only")
            #endif
        }
    }

    private func fallBack(_ filter: ChangeFilter, reason: String) throws -> any ChangeSource {
        guard settings.mode == .automatic else { throw ChangeWatchError.inotifyUnavailable(reason) }
        status(.fellBackToPolling(reason: reason))
        return PollingSource(roots: settings.roots, filter: filter, interval: settings.pollInterval)
    }
}
