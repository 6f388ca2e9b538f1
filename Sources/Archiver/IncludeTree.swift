import BuildPlanner
import LambdaSupport

/// A directory shipped with an artifact (an include or a resource bundle), walked as the
/// artifact will hold it. The one walk every reader of such a tree uses (the entries of
/// `ArtifactContents`, the up-to-date fingerprint), so what is checked is what is shipped.
///
/// The walk never follows a symlink (lstat(2)): a link is an item, kept as a link when it
/// resolves inside the tree (`SymlinkResolver`), an error otherwise; so `a -> .` is one item,
/// not an endless `a/a/a/...`. Only real directories are entered, and a directory that is one of
/// its own ancestors (a bind mount) is an error, so every walk ends.
public enum IncludeTree {
    public struct Item: Sendable, Equatable {
        /// The path below the root, `/`-separated.
        public var path: String
        public var kind: Kind
        /// `FileSystem.stamp` of the item itself (a link's own, not its target's).
        public var stamp: String
    }

    public enum Kind: Sendable, Equatable {
        case directory
        case file(executable: Bool)
        case symlink(target: String)
    }

    /// Every item below `root` (a directory; a symlink to one is followed), parents before
    /// children, names in byte order. Throws `IncludeError` for a name or link target that is
    /// not UTF-8, a link that escapes, dangles or loops, an item that is neither a file, a
    /// directory nor a symlink, and a directory loop.
    public static func walk(_ root: String, visit: (Item) throws -> Void) throws {
        guard let status = FileSystem.status(of: root, followingSymlinks: true) else {
            throw IncludeError.missing(path: root)
        }
        try walk(root: root, below: [], ancestors: [status.identity: root], resolver: SymlinkResolver(root: root), visit: visit)
    }

    private static func walk(
        root: String, below directory: [String], ancestors: [FileSystem.Identity: String], resolver: SymlinkResolver,
        visit: (Item) throws -> Void
    ) throws {
        let directoryPath = ([root] + directory).joined(separator: "/")
        for raw in try FileSystem.rawNames(in: directoryPath) {
            guard let name = String(validating: raw, as: UTF8.self) else {
                throw IncludeError.nameNotUTF8(path: "\(directoryPath)/\(FileSystem.escaped(raw))")
            }
            let components = directory + [name]
            let relative = components.joined(separator: "/")
            let path = "\(root)/\(relative)"
            guard let status = FileSystem.status(of: path) else {
                throw FileSystemError.operationFailed(operation: "read", path: path, reason: "it was listed but cannot be read")
            }
            switch status.kind {
            case .directory:
                if let ancestor = ancestors[status.identity] { throw IncludeError.directoryLoop(path: path, ancestor: ancestor) }
                try visit(Item(path: relative, kind: .directory, stamp: status.stamp))
                var inner = ancestors
                inner[status.identity] = path
                try walk(root: root, below: components, ancestors: inner, resolver: resolver, visit: visit)
            case .file:
                try visit(Item(path: relative, kind: .file(executable: status.permissions & 0o111 != 0), stamp: status.stamp))
            case .symlink:
                let rawTarget = try FileSystem.rawSymlinkTarget(path)
                guard let target = String(validating: rawTarget, as: UTF8.self) else {
                    throw IncludeError.symlinkTargetNotUTF8(link: path, target: FileSystem.escaped(rawTarget))
                }
                switch resolver.resolve(target: rawTarget, from: directory) {
                case .inside: break
                case .escapes: throw IncludeError.symlinkEscapes(link: path, target: target)
                case .dangles: throw IncludeError.symlinkDangles(link: path, target: target)
                case .loops: throw IncludeError.symlinkLoops(link: path, target: target)
                }
                try visit(Item(path: relative, kind: .symlink(target: target), stamp: status.stamp))
            case .other:
                throw IncludeError.unsupportedFileType(path: path)
            }
        }
    }
}
