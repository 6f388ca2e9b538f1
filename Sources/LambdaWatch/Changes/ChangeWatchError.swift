/// Why the change watcher stopped, each one line that says what to do.
public enum ChangeWatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A root to watch is not a directory (or is gone).
    case missingRoot(String)
    /// A system call the watcher cannot do without failed.
    case systemCall(String, errno: Int32)
    /// `mode: .inotify` was asked for and inotify cannot watch the roots.
    case inotifyUnavailable(String)

    public var description: String {
        switch self {
        case .missingRoot(let path):
            "cannot watch \(path): it is not a directory; pass --package-path to the package to watch"
        case .systemCall(let call, let errno):
            "watching for changes failed: \(call) failed with errno \(errno); run watch again"
        case .inotifyUnavailable(let reason):
            "inotify cannot watch the package: \(reason); use the polling mode or raise fs.inotify.max_user_watches"
        }
    }
}
