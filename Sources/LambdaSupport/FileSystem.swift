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

    /// What `lstat(2)` (or, when asked, `stat(2)`) says about one item.
    public struct Status: Sendable, Equatable {
        public var kind: Kind
        /// Permission bits.
        public var permissions: UInt32
        /// Device and inode: the same pair is the same directory, however it is reached.
        public var identity: Identity
        /// See `stamp(of:)`.
        public var stamp: String
    }

    public struct Identity: Sendable, Hashable {
        public var device: UInt64
        public var inode: UInt64
    }

    /// The status of the item at `path` (not following a final symlink unless asked), or nil.
    public static func status(of path: String, followingSymlinks: Bool = false) -> Status? {
        var info = stat()
        guard (followingSymlinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        let kind: Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        return Status(
            kind: kind, permissions: UInt32(info.st_mode & 0o7777),
            identity: Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)),
            stamp: "\(info.st_mode):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ino)")
    }

    /// The kind of the item at `path` (not following a final symlink unless asked), or nil.
    public static func kind(of path: String, followingSymlinks: Bool = false) -> Kind? {
        status(of: path, followingSymlinks: followingSymlinks)?.kind
    }

    public static func exists(_ path: String) -> Bool { kind(of: path) != nil }

    /// Permission bits of the item at `path` (following symlinks).
    public static func permissions(of path: String) throws -> UInt32 {
        guard let status = status(of: path, followingSymlinks: true) else { throw error("read the mode of", path) }
        return status.permissions
    }

    /// What changes when the item at `path` changes: kind, size, modification
    /// time (nanoseconds), inode and mode; nil when it does not exist. Not
    /// following a final symlink, so a link is stamped by its own change.
    public static func stamp(of path: String, followingSymlinks: Bool = false) -> String? {
        status(of: path, followingSymlinks: followingSymlinks)?.stamp
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

    /// The names in a directory as the kernel stores them (readdir(3)), sorted by their bytes,
    /// without `.` and `..`. Bytes, not `String`s: a name that is not UTF-8 is not decodable
    /// losslessly, and Foundation would hand back a repaired name that names nothing.
    public static func rawNames(in path: String) throws -> [[UInt8]] {
        guard let directory = opendir(path) else { throw error("list", path) }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                guard errno == 0 else { throw error("list", path) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    public static func symlinkTarget(_ path: String) throws -> String {
        String(decoding: try rawSymlinkTarget(path), as: UTF8.self)
    }

    /// The target of the symlink at `path`, as the kernel stores it.
    public static func rawSymlinkTarget(_ path: String) throws -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { throw error("read the symlink", path) }
        return buffer[0..<count].map { UInt8(bitPattern: $0) }
    }

    /// `bytes` as text that is always valid UTF-8: valid sequences as they are, every other
    /// byte as `\xNN`, so an error message can name a path that is not UTF-8.
    public static func escaped(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            if length > 0, index + length <= bytes.count, let character = String(validating: bytes[index..<index + length], as: UTF8.self) {
                text += character
                index += length
            } else {
                text += "\\x" + String(lead, radix: 16, uppercase: true).leftPadded(to: 2)
                index += 1
            }
        }
        return text
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

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
