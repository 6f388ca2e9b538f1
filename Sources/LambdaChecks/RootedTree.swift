import LambdaSupport

/// Paths read as a process inside a root reads them (chroot(2)): an absolute
/// symlink target names a path inside that root and `..` stops at it. An
/// image made from a root must reproduce every symlink the loader crosses on
/// its way to a file, so resolution keeps each link it follows, in order.
///
/// The tree is only a lookup (`node`), so one walk serves both a root on disk
/// (`RootedTree.disk`) and an image that exists only as a list of entries.
struct RootedTree: Sendable {
    enum Node: Sendable, Equatable {
        case file
        case directory
        case symlink(target: String)
    }

    struct Link: Sendable, Equatable {
        /// Where the link lies inside the root (its parents hold no links).
        var path: String
        /// Its target as written.
        var target: String
    }

    struct Resolution: Sendable, Equatable {
        /// The path with every link resolved: where the real file or directory lies inside the root.
        var path: String
        var node: Node
        /// Each link crossed, in the order the walk crossed it.
        var links: [Link]
    }

    /// What lies at an absolute path inside the root, a final symlink not followed.
    let node: @Sendable (String) -> Node?

    /// The loader's own limit on links followed in one path (the kernel's MAXSYMLINKS).
    static let maximumHops = 40

    /// `path` resolved inside the root; nil when it does not exist there, a
    /// component before the last is a file, or the links loop.
    func resolve(_ path: String) -> Resolution? {
        var done: [Substring] = []
        var pending = Array(path.split(separator: "/").reversed())
        var links: [Link] = []
        var last = Node.directory
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." {
                _ = done.popLast()
                last = .directory
                continue
            }
            guard last == .directory else { return nil }
            let current = "/" + (done + [part]).joined(separator: "/")
            switch node(current) {
            case nil:
                return nil
            case .file:
                done.append(part)
                last = .file
            case .directory:
                done.append(part)
                last = .directory
            case .symlink(let target):
                guard links.count < Self.maximumHops else { return nil }
                links.append(Link(path: current, target: target))
                if target.hasPrefix("/") { done = [] }
                pending += target.split(separator: "/").reversed()
                last = .directory
            }
        }
        return Resolution(path: "/" + done.joined(separator: "/"), node: last, links: links)
    }

    /// `target` of a link at `linkPath` as a relative target that means the
    /// same inside the root: an absolute target would leave an image whose
    /// root is not `/` (an unpacked layer, `qemu -L`, a chroot being built).
    static func relativeTarget(_ target: String, of linkPath: String) -> String {
        guard target.hasPrefix("/") else { return target }
        let from = FileSystem.parent(of: linkPath).split(separator: "/")
        let to = FileSystem.absolute(target, relativeTo: "/").split(separator: "/")
        let common = zip(from, to).prefix { $0 == $1 }.count
        let parts = Array(repeating: "..", count: from.count - common) + to.dropFirst(common).map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

extension RootedTree {
    /// The tree of a root on disk. A sysroot made of links to the host's own
    /// directories (`lib -> /lib`, as the test SDKs for the host are) has
    /// links that loop when read inside the root; such a link is read as
    /// the host's directory or file it names, so the image gets the host's
    /// files at the sysroot's paths.
    static func disk(root: String) -> RootedTree {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return RootedTree { path in
            let disk = diskPath(of: path, base: base)
            guard let kind = FileSystem.kind(of: disk) else { return nil }
            switch kind {
            case .directory: return .directory
            case .file: return .file
            case .other: return nil
            case .symlink:
                guard let target = try? FileSystem.symlinkTarget(disk) else { return nil }
                if escapes(path, target: target, base: base) {
                    switch FileSystem.kind(of: disk, followingSymlinks: true) {
                    case .directory: return .directory
                    case .file: return .file
                    default: return nil
                    }
                }
                return .symlink(target: target)
            }
        }
    }

    /// Where the file at `path` inside the root lies on disk.
    static func diskPath(of path: String, root: String) -> String {
        diskPath(of: path, base: root.hasSuffix("/") ? String(root.dropLast()) : root)
    }

    private static func diskPath(of path: String, base: String) -> String {
        var disk = base
        var inside = ""
        for part in path.split(separator: "/") {
            disk += "/\(part)"
            inside += "/\(part)"
            if !base.isEmpty, FileSystem.kind(of: disk) == .symlink, let target = try? FileSystem.symlinkTarget(disk),
                escapes(inside, target: target, base: base)
            {
                disk = FileSystem.resolvingSymlinks(disk)
            }
        }
        return disk.isEmpty ? "/" : disk
    }

    /// Whether a link at `path` (inside a root other than `/`) names the
    /// host rather than the root: an absolute target that is the link itself
    /// or one of its parents, or that the root does not have.
    private static func escapes(_ path: String, target: String, base: String) -> Bool {
        guard !base.isEmpty, target.hasPrefix("/") else { return false }
        let normalised = FileSystem.absolute(target, relativeTo: "/")
        if path == normalised || path.hasPrefix(normalised == "/" ? "/" : normalised + "/") { return true }
        return FileSystem.kind(of: base + normalised, followingSymlinks: true) == nil
            && FileSystem.kind(of: normalised, followingSymlinks: true) != nil
    }
}

/// Paths of a root on disk (an unpacked image) as a process chrooted there sees them, for
/// running an image's entrypoint without a container engine.
public enum RootedPaths {
    /// Where `path`, read inside `root` (links resolved there, `..` stopping at it), lies on this
    /// machine; nil when it does not exist there.
    public static func hostPath(of path: String, inside root: String) -> String? {
        guard let resolution = RootedTree.disk(root: root).resolve(path) else { return nil }
        return RootedTree.diskPath(of: resolution.path, root: root)
    }
}
