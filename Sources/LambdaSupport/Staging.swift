import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Names for staged items that say which run made them, so that what a killed run left behind
/// can be told from what a live run is writing, and removed.
///
/// A staged item is `.<name>.swift-lambda-<pid>-<start>-<random>`: the pid and the start time of
/// the process (field 22 of `/proc/<pid>/stat`, clock ticks since boot), a pair no other process
/// has while it lives, however pids are reused. An owner is gone when no process has that pid
/// with that start time. Every directory this process stages in is swept once (the first time),
/// and an interrupt removes this process's own items from all of them (`removeOwn`).
public enum Staging {
    /// This process as it appears in its staging names.
    public static let owner = Owner(pid: getpid(), start: Owner.startTime(of: getpid()) ?? 0)

    /// The run that staged an item.
    public struct Owner: Sendable, Hashable {
        public var pid: Int32
        public var start: UInt64

        /// Whether that process still runs (a process that cannot be examined counts as running).
        public var isAlive: Bool {
            if self == Staging.owner { return true }
            guard kill(pid, 0) == 0 || errno == EPERM else { return false }
            #if os(Linux)
            // A process whose start time cannot be read (another user's, under hidepid) is kept.
            guard let start = Owner.startTime(of: pid) else { return true }
            return start == self.start
            #else
            return true
            #endif
        }

        /// A process's start time, from `/proc/<pid>/stat` (nil elsewhere, or when it is gone).
        static func startTime(of pid: Int32) -> UInt64? {
            #if os(Linux)
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after the command's closing parenthesis start at field 3 (the state).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 19 ? UInt64(fields[19]) : nil
            #else
            return nil
            #endif
        }
    }

    static let marker = ".swift-lambda-"

    /// A fresh staging name for the item named `name`.
    static func name(for name: String) -> String {
        let token = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return ".\(name)\(marker)\(owner.pid)-\(owner.start)-\(token)"
    }

    /// Whether `name` is an item a run staged (`.<name>.swift-lambda-...`, or a zip's temporary
    /// file inside one), never a finished artifact: readers of a lambda directory skip these.
    public static func isStaged(_ name: String) -> Bool { entry(named: name) != nil }

    /// What a directory entry's name says about who staged it.
    enum Entry: Equatable {
        case owned(Owner)
        /// Staged before owners were named (`.<name>.swift-lambda-<hex>`).
        case unowned
    }

    /// Parses an entry name; nil when it is not a staged item (or a zip's temporary file inside one's name).
    static func entry(named name: String) -> Entry? {
        guard name.hasPrefix(".") else { return nil }
        var searchStart = name.index(after: name.startIndex)
        var legacy = false
        while let range = name.range(of: marker, range: searchStart..<name.endIndex) {
            searchStart = range.upperBound
            var rest = name[range.upperBound...]
            if let temporary = rest.range(of: ".tmp-") { rest = rest[..<temporary.lowerBound] }
            let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
            let isHex = { (part: Substring) in !part.isEmpty && part.allSatisfy(\.isHexDigit) }
            if parts.count == 3, let pid = Int32(parts[0]), let start = UInt64(parts[1]), isHex(parts[2]) {
                return .owned(Owner(pid: pid, start: start))
            }
            if parts.count == 1, parts[0].count <= 8, isHex(parts[0]) { legacy = true }
        }
        return legacy ? .unowned : nil
    }

    /// Items staged before owners were named are removed once this old: their run is over.
    static let unownedAge: TimeInterval = 24 * 60 * 60

    /// Directories this process stages in (or swept), for `removeOwn`.
    private static let directories = Locked(Set<String>())

    /// Removes, once per process, what runs that are gone staged in `directory`, and remembers the
    /// directory so an interrupt can remove what this run stages there.
    public static func sweepOnce(_ directory: String) {
        guard directories.withLock({ $0.insert(directory).inserted }) else { return }
        sweep(directory)
    }

    /// Removes every entry of `directory` staged by a run that is gone (never a live run's).
    @discardableResult
    public static func sweep(_ directory: String) -> [String] {
        remove(in: directory) { entry, path in
            switch entry {
            case .owned(let owner): return !owner.isAlive
            case .unowned:
                let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
                return modified.map { -$0.timeIntervalSinceNow > unownedAge } ?? false
            }
        }
    }

    /// Removes this process's staged items from every directory it staged in (after an interrupt).
    public static func removeOwn() {
        for directory in directories.withLock({ $0 }) {
            remove(in: directory) { entry, _ in entry == .owned(owner) }
        }
    }

    @discardableResult
    private static func remove(in directory: String, where shouldRemove: (Entry, String) -> Bool) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed: [String] = []
        for name in names {
            guard let entry = entry(named: name) else { continue }
            let path = "\(directory)/\(name)"
            if shouldRemove(entry, path), (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
