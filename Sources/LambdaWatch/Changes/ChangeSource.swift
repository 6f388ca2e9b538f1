/// One way of noticing changes (inotify or polling), driven by the watcher thread.
protocol ChangeSource: AnyObject {
    var mode: ChangeWatcher.Mode { get }
    /// Blocks until changes are seen, `deadline` passes (then `[]`) or `wake` is readable
    /// (then `nil`: stop). The paths returned are relevant ones.
    func wait(until deadline: ContinuousClock.Instant?, wake: Int32) throws -> [String]?
    /// Releases what the source holds; called once.
    func close()
}

/// Inotify cannot (or can no longer) watch the roots: the watcher falls back to polling.
struct InotifyUnavailable: Error {
    var reason: String
}
