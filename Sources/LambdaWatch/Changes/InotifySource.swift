#if os(Linux)
import Glibc

/// Changes as Linux reports them: one inotify watch on every relevant directory, added for
/// directories created (or moved in) later, whose contents are scanned because they may have
/// been written before the watch was in place.
final class InotifySource: ChangeSource {
    let mode = ChangeWatcher.Mode.inotify
    /// The inotify descriptor, closed by `close()`.
    let descriptor: Int32
    private let roots: [String]
    private let filter: ChangeFilter
    private var directories: [Int32: String] = [:]
    private var watches: [String: Int32] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    static let mask = UInt32(
        IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_ATTRIB
            | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

    init(roots: [String], filter: ChangeFilter) throws {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw InotifyUnavailable(reason: "inotify_init1 failed with errno \(errno)") }
        self.descriptor = descriptor
        self.roots = roots
        self.filter = filter
        do {
            for root in roots { _ = try watchTree(root) }
        } catch {
            closeDescriptor(descriptor)
            throw error
        }
    }

    func close() {
        closeDescriptor(descriptor)
    }

    func wait(until deadline: ContinuousClock.Instant?, wake: Int32) throws -> [String]? {
        let ready = try Poll.readable([wake, descriptor], until: deadline)
        if ready[0] { return nil }
        return ready[1] ? try readEvents() : []
    }

    /// Watches `directory` and every relevant directory below it; returns the relevant paths
    /// found below it (what a directory that just appeared brought with it).
    private func watchTree(_ directory: String) throws -> [String] {
        try watch(directory)
        var found: [String] = []
        for entry in FileTree.relevantPaths(below: directory, filter: filter) {
            found.append(entry.path)
            if entry.isDirectory { try watch(entry.path) }
        }
        return found
    }

    private func watch(_ directory: String) throws {
        let watch = inotify_add_watch(descriptor, directory, Self.mask)
        guard watch >= 0 else {
            let code = errno
            // Gone or unreadable already: the events for its parent say so.
            if code == ENOENT || code == ENOTDIR || code == EACCES { return }
            let reason = code == ENOSPC ? "the inotify watch limit is reached" : "inotify_add_watch failed with errno \(code)"
            throw InotifyUnavailable(reason: "\(reason) (\(directory))")
        }
        // The same inode answers with the same watch: a moved directory keeps its watch under a new path.
        if let old = directories[watch] { watches[old] = nil }
        directories[watch] = directory
        watches[directory] = watch
    }

    private func unwatch(below directory: String) {
        for (path, watch) in watches where ChangeFilter.contains(directory, path) {
            watches[path] = nil
            directories[watch] = nil
            _ = inotify_rm_watch(descriptor, watch)
        }
    }

    private func readEvents() throws -> [String] {
        var changed: [String] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return changed }
                throw ChangeWatchError.systemCall("read", errno: errno)
            }
            guard count > 0 else { return changed }
            for event in Self.events(in: buffer[..<count]) {
                changed += try handle(event)
            }
        }
    }

    private func handle(_ event: (watch: Int32, mask: UInt32, name: String)) throws -> [String] {
        if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
            // Events were dropped: watch whatever is new and let everything count as changed.
            for root in roots { _ = try watchTree(root) }
            return roots
        }
        guard let directory = directories[event.watch] else { return [] }
        if event.mask & UInt32(IN_IGNORED) != 0 {
            directories[event.watch] = nil
            if watches[directory] == event.watch { watches[directory] = nil }
            return []
        }
        let path = event.name.isEmpty ? directory : directory + "/" + event.name
        let isDirectory = event.name.isEmpty || event.mask & UInt32(IN_ISDIR) != 0
        // A directory's own metadata (chmod, touch) is not built: its entries report their own
        // changes. A file's (touch, chmod +x) counts, as it is how a rebuild is asked for and
        // the mode is packaged.
        if isDirectory && event.mask & UInt32(IN_ATTRIB) != 0 { return [] }
        guard filter.isRelevant(path, isDirectory: isDirectory) else { return [] }
        guard isDirectory, !event.name.isEmpty else { return [path] }
        if event.mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 {
            unwatch(below: path)
        } else if event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
            return try [path] + watchTree(path)
        }
        return [path]
    }

    /// The events in what one `read` returned: `struct inotify_event` headers, each followed by
    /// `len` bytes of NUL-padded name.
    static func events(in bytes: ArraySlice<UInt8>) -> [(watch: Int32, mask: UInt32, name: String)] {
        var events: [(watch: Int32, mask: UInt32, name: String)] = []
        let header = MemoryLayout<inotify_event>.size
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset + header <= raw.count {
                let watch = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = raw[(offset + header)..<min(raw.count, offset + header + length)].prefix { $0 != 0 }
                events.append((watch, mask, String(decoding: nameBytes, as: UTF8.self)))
                offset += header + length
            }
        }
        return events
    }
}
#endif
