import CSystemShims
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file-system operation that failed, with the path it failed on.
public enum FileSystemError: Error, Sendable, Equatable {
    case notADirectory(path: String)
    case notWritable(path: String)
    case operationFailed(operation: String, path: String, reason: String)
}

extension FileSystemError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notADirectory(let path):
            return "'\(path)' exists and is not a directory; remove it or choose another directory"
        case .notWritable(let path):
            return "'\(path)' is not writable; fix its permissions or choose another directory"
        case .operationFailed(let operation, let path, let reason):
            return "could not \(operation) '\(path)': \(reason)"
        }
    }
}

/// The few file operations the build needs, each one either complete or
/// without effect: outputs are staged under a temporary name beside their
/// destination and moved into place by `rename(2)`.
public enum FileSystem {
    public enum Kind: Sendable, Equatable { case file, directory, symlink, other }

    /// The kind of the item at `path` (not following a final symlink unless asked), or nil.
    public static func kind(of path: String, followingSymlinks: Bool = false) -> Kind? {
        var info = stat()
        guard (followingSymlinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    public static func exists(_ path: String) -> Bool { kind(of: path) != nil }

    /// Permission bits of the item at `path` (following symlinks).
    public static func permissions(of path: String) throws -> UInt32 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error("read the mode of", path) }
        return UInt32(info.st_mode & 0o7777)
    }

    /// What changes when the item at `path` changes: kind, size, modification
    /// time (nanoseconds), inode and mode; nil when it does not exist. Not
    /// following a final symlink, so a link is stamped by its own change.
    public static func stamp(of path: String, followingSymlinks: Bool = false) -> String? {
        var info = stat()
        guard (followingSymlinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        return "\(info.st_mode):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ino)"
    }

    /// Writes `bytes` to a staging name beside `path` and renames it into
    /// place, so a reader sees the old file or the new one, never a part.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try prepareWritableDirectory(parent(of: path))
        let staging = stagingPath(for: path)
        guard FileManager.default.createFile(atPath: staging, contents: Data(bytes)) else {
            throw FileSystemError.operationFailed(operation: "write", path: staging, reason: "could not create the file")
        }
        guard rename(staging, path) == 0 else {
            let failure = error("rename into place", path)
            try? removeItem(staging)
            throw failure
        }
    }

    /// `writeAtomically`, unless the file already holds exactly `bytes`: a
    /// state file rewritten on every run would change its time for nothing.
    public static func writeIfChanged(_ bytes: [UInt8], to path: String) throws {
        if let existing = FileManager.default.contents(atPath: path), existing.elementsEqual(bytes) { return }
        try writeAtomically(bytes, to: path)
    }

    public static func size(of path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error("read the size of", path) }
        return Int64(info.st_size)
    }

    /// Makes sure `path` is a writable directory, creating it (and its
    /// parents) when missing; the error names the component at fault.
    public static func prepareWritableDirectory(_ path: String) throws {
        switch kind(of: path) {
        case .directory:
            break
        case .symlink where isDirectory(path):
            break
        case nil:
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty, parent != path { try prepareWritableDirectory(parent) }
            if mkdir(path, 0o755) != 0, errno != EEXIST {
                switch errno {
                case EACCES, EPERM, EROFS: throw FileSystemError.notWritable(path: parent)
                default: throw error("create directory", path)
                }
            }
        default:
            throw FileSystemError.notADirectory(path: path)
        }
        guard access(path, W_OK | X_OK) == 0 else { throw FileSystemError.notWritable(path: path) }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// A fresh name beside `destination` for staging it: hidden, unique, and naming this run
    /// (`.bootstrap.swift-lambda-<pid>-<start>-1a2b3c4d`, `Staging`). The first use of a directory
    /// removes what runs that are gone staged there.
    public static func stagingPath(for destination: String) -> String {
        let directory = (destination as NSString).deletingLastPathComponent
        let name = (destination as NSString).lastPathComponent
        Staging.sweepOnce(directory.isEmpty ? "." : directory)
        let staged = Staging.name(for: name)
        return directory.isEmpty ? staged : "\(directory)/\(staged)"
    }

    /// Moves the staged item to `destination`, replacing what is there.
    /// Files are replaced atomically by rename; directories are exchanged
    /// atomically (renameat2) where the kernel can, else moved aside first.
    /// Either way `destination` never holds a partial item.
    public static func commit(staged: String, to destination: String) throws {
        let existing = kind(of: destination)
        if existing == nil || (existing != .directory && kind(of: staged) != .directory) {
            guard rename(staged, destination) == 0 else { throw error("move into place", destination) }
            return
        }
        if swift_lambda_rename_exchange(staged, destination) == 0 {
            try removeItem(staged)  // now the previous item
            return
        }
        let aside = stagingPath(for: destination)
        guard rename(destination, aside) == 0 else { throw error("move aside", destination) }
        guard rename(staged, destination) == 0 else {
            let failure = error("move into place", destination)
            _ = rename(aside, destination)
            throw failure
        }
        try removeItem(aside)
    }

    /// Removes a file, symlink or directory tree; a missing item is fine.
    public static func removeItem(_ path: String) throws {
        guard exists(path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw FileSystemError.operationFailed(operation: "remove", path: path, reason: "\(error)")
        }
    }

    /// Copies a regular file in fixed-size chunks and sets its mode.
    public static func copyFile(from source: String, to destination: String, mode: UInt32) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw error("read", source) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard output >= 0 else { throw error("create", destination) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw error("read", source) }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { throw error("write", destination) }
                written += result
            }
        }
        guard fchmod(output, mode_t(mode)) == 0 else { throw error("set the mode of", destination) }
    }

    /// The names in a directory, sorted by their bytes so walks are reproducible.
    public static func contentsOfDirectory(_ path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
        } catch {
            throw FileSystemError.operationFailed(operation: "list", path: path, reason: "\(error)")
        }
    }

    public static func symlinkTarget(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { throw error("read the symlink", path) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` made absolute against `base` and with `.`/`..` removed lexically.
    public static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : "\(base)/\(path)"
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    public static var currentDirectory: String { FileManager.default.currentDirectoryPath }

    /// `path` with every symlink resolved (realpath(3)); the path itself when it does not exist.
    public static func resolvingSymlinks(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func error(_ operation: String, _ path: String) -> FileSystemError {
        let reason = String(cString: strerror(errno))
        if errno == ENOENT { return .operationFailed(operation: operation, path: path, reason: "no such file or directory") }
        return .operationFailed(operation: operation, path: path, reason: reason)
    }
}

extension FileSystem {
    public static func setPermissions(_ mode: UInt32, of path: String) throws {
        guard chmod(path, mode_t(mode)) == 0 else {
            throw FileSystemError.operationFailed(
                operation: "set the mode of", path: path, reason: String(cString: strerror(errno)))
        }
    }
}

extension FileSystem {
    public static func parent(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    public static func createSymlink(at path: String, pointingTo target: String) throws {
        guard symlink(target, path) == 0 else {
            throw FileSystemError.operationFailed(
                operation: "create the symlink", path: path, reason: String(cString: strerror(errno)))
        }
    }
}
