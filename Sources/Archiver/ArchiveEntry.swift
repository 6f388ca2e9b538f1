/// One entry of an archive: where it goes inside the archive and what it is.
///
/// Callers list every entry they want, directories included: the writer adds nothing implicitly,
/// because layouts differ (an extension layer needs an explicit `extensions/` entry; a function zip
/// usually has no directory entry for its root). Modes are not taken from the file system: a file is
/// either executable (stored 0755) or not (0644), directories are 0755 and symlinks 0777, so the same
/// inputs give the same archive on every machine.
public struct ArchiveEntry: Sendable, Hashable {
    /// The path inside the archive: relative, `/`-separated, without `.` or `..` components.
    /// Directory paths may end with one `/`; the stored name of a directory always does.
    public var path: String
    public var kind: Kind

    public enum Kind: Sendable, Hashable {
        /// A regular file whose bytes are read from `source` (a path on disk, symlinks followed)
        /// while the archive is written.
        case file(source: String, executable: Bool)
        case directory
        /// A symbolic link stored as a link (its target is the entry's data), not the file it names.
        case symlink(target: String)
    }

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public static func file(_ path: String, source: String, executable: Bool = false) -> ArchiveEntry {
        ArchiveEntry(path: path, kind: .file(source: source, executable: executable))
    }

    public static func directory(_ path: String) -> ArchiveEntry {
        ArchiveEntry(path: path, kind: .directory)
    }

    public static func symlink(_ path: String, target: String) -> ArchiveEntry {
        ArchiveEntry(path: path, kind: .symlink(target: target))
    }
}

extension ArchiveEntry {
    /// The permission bits stored for this entry (the file type bits are added by the stream).
    var permissions: UInt32 {
        switch kind {
        case .file(_, let executable): executable ? 0o755 : 0o644
        case .directory: 0o755
        case .symlink: 0o777
        }
    }

    /// The path without the optional trailing `/` of a directory: the key for duplicate checks.
    var normalizedPath: String {
        if case .directory = kind, path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") {
            return String(path.dropLast())
        }
        return path
    }

    /// The name as stored in the zip: directories end with `/`.
    var storedName: String {
        if case .directory = kind { return normalizedPath + "/" }
        return normalizedPath
    }
}
