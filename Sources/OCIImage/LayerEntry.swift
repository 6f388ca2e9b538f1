public import Archiver

/// One entry of an image layer: where it goes inside the image's file system, what it is, and
/// its mode.
///
/// Modes never come from the disk: a file is 0644 or 0755, a directory 0755 and a symlink 0777
/// unless the caller says otherwise (a directory such as `tmp` needs 1777), so the same inputs
/// give the same layer whoever built them and whatever their umask.
public struct LayerEntry: Sendable, Hashable {
    /// The path inside the image, relative to its root (`var/task/bootstrap`): `/`-separated,
    /// without `.` or `..` components; a directory's path may end with one `/`.
    public var path: String
    public var kind: Kind
    /// Permission bits with setuid, setgid and sticky (at most 0o7777); the type bits come from `kind`.
    public var mode: UInt32

    public enum Kind: Sendable, Hashable {
        /// A regular file whose bytes are read from `source` (symlinks followed) while the layer is written.
        case file(source: String)
        case directory
        /// A symbolic link stored as a link, with its target as given (resolved inside the container).
        case symlink(target: String)
    }

    public init(path: String, kind: Kind, mode: UInt32) {
        self.path = path
        self.kind = kind
        self.mode = mode
    }

    public static func file(_ path: String, source: String, executable: Bool = false) -> LayerEntry {
        LayerEntry(path: path, kind: .file(source: source), mode: executable ? 0o755 : 0o644)
    }

    /// A directory; `mode` is 0755 unless given (1777 for a world-writable `tmp`).
    public static func directory(_ path: String, mode: UInt32 = 0o755) -> LayerEntry {
        LayerEntry(path: path, kind: .directory, mode: mode)
    }

    public static func symlink(_ path: String, target: String) -> LayerEntry {
        LayerEntry(path: path, kind: .symlink(target: target), mode: 0o777)
    }

    /// The entry a zip would hold, placed below `prefix` (`var/task` for a function, `opt` for a
    /// Lambda layer): the contents `ArtifactContents` already resolved (bootstrap, resource
    /// bundles, includes) go into an image unchanged, with the modes the zip would give them.
    public init(_ entry: ArchiveEntry, under prefix: String = "") {
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        let path = trimmed.isEmpty ? entry.path : trimmed + "/" + entry.path
        switch entry.kind {
        case .file(let source, let executable):
            self = .file(path, source: source, executable: executable)
        case .directory:
            self = .directory(path)
        case .symlink(let target):
            self = .symlink(path, target: target)
        }
    }
}
