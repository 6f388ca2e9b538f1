import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system reads the watcher makes: a directory's entries and a file's stamp.
/// Symbolic links are entries, never followed, so a link to a parent cannot make a cycle.
enum FileTree {
    /// What polling compares between two scans: for a file, what inotify reports as a change
    /// (its contents, `touch`, and its mode, which is packaged).
    struct Stamp: Equatable, Sendable {
        var isDirectory: Bool
        var size: Int64
        var modified: Int64  // nanoseconds since 1970
        var permissions: UInt32  // the mode's permission bits
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Stamp(
            isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, size: Int64(info.st_size),
            modified: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec), permissions: UInt32(info.st_mode & 0o7777))
    }

    /// The entries of `directory` as absolute paths, sorted; empty when it cannot be read (it may
    /// be gone already: the events that say so follow).
    static func entries(of directory: String) -> [(path: String, isDirectory: Bool)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().compactMap { name in
            let path = directory == "/" ? "/" + name : directory + "/" + name
            guard let stamp = stamp(path) else { return nil }
            return (path, stamp.isDirectory)
        }
    }

    /// Every relevant path below `directory` (not `directory` itself), depth first.
    static func relevantPaths(below directory: String, filter: ChangeFilter) -> [(path: String, isDirectory: Bool)] {
        var found: [(path: String, isDirectory: Bool)] = []
        var pending = [directory]
        while let next = pending.popLast() {
            for entry in entries(of: next) where filter.isRelevant(entry.path, isDirectory: entry.isDirectory) {
                found.append(entry)
                if entry.isDirectory { pending.append(entry.path) }
            }
        }
        return found
    }
}

extension ChangeFilter {
    /// A filter for `roots` with every `.gitignore` found below them (in directories that are
    /// not themselves ignored), so nested files apply to their subtree as git applies them.
    public static func load(roots: [String]) -> ChangeFilter {
        var filter = ChangeFilter(roots: roots)
        var pending = filter.roots
        while let directory = pending.popLast() {
            let file = directory + "/.gitignore"
            if let data = FileManager.default.contents(atPath: file) {
                filter = filter.adding(GitIgnore(parsing: String(decoding: data, as: UTF8.self)), in: directory)
            }
            for entry in FileTree.entries(of: directory) where entry.isDirectory {
                if filter.isRelevant(entry.path, isDirectory: true) && !filter.roots.contains(entry.path) {
                    pending.append(entry.path)
                }
            }
        }
        return filter
    }
}
