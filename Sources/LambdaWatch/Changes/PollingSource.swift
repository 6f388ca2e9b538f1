/// Changes found by comparing scans: the relevant files' sizes, modification times and modes,
/// every `interval`. Slower than inotify and blind to a rewrite that keeps size and time, but it
/// works on every system and under any watch limit.
final class PollingSource: ChangeSource {
    let mode = ChangeWatcher.Mode.polling
    private let roots: [String]
    private let filter: ChangeFilter
    private let interval: Duration
    private var snapshot: [String: FileTree.Stamp]
    private var nextScan: ContinuousClock.Instant

    init(roots: [String], filter: ChangeFilter, interval: Duration) {
        self.roots = roots
        self.filter = filter
        self.interval = interval
        snapshot = [:]
        nextScan = .now
        snapshot = scan()
        nextScan = .now + interval
    }

    func wait(until deadline: ContinuousClock.Instant?, wake: Int32) throws -> [String]? {
        while true {
            let until = min(deadline ?? nextScan, nextScan)
            if try Poll.readable([wake], until: until)[0] { return nil }
            if ContinuousClock.now >= nextScan {
                let current = scan()
                nextScan = .now + interval
                let changed = Self.differences(snapshot, current)
                snapshot = current
                if !changed.isEmpty { return changed }
            }
            if let deadline, ContinuousClock.now >= deadline { return [] }
        }
    }

    func close() {}

    /// The paths added, removed or changed between two scans; a directory counts when it
    /// appears or goes, not when its entries or its own metadata change (as with inotify).
    static func differences(_ old: [String: FileTree.Stamp], _ new: [String: FileTree.Stamp]) -> [String] {
        var changed = old.keys.filter { new[$0] == nil }
        for (path, stamp) in new {
            guard let before = old[path] else {
                changed.append(path)
                continue
            }
            if stamp.isDirectory != before.isDirectory || (!stamp.isDirectory && stamp != before) { changed.append(path) }
        }
        return changed.sorted()
    }

    private func scan() -> [String: FileTree.Stamp] {
        var stamps: [String: FileTree.Stamp] = [:]
        for root in roots {
            for entry in FileTree.relevantPaths(below: root, filter: filter) {
                stamps[entry.path] = FileTree.stamp(entry.path)
            }
        }
        return stamps
    }
}
