import LambdaSupport

/// Where a symlink inside a shipped directory leads once the directory is unpacked somewhere
/// else (`/var/task`, `/opt`), decided as the kernel resolves a path (path_resolution(7)):
/// component by component against the real tree, following every link met on the way, with
/// Linux's bound of 40 links per resolution. Reading the target as text (`a/../b`) is not
/// enough: `dot -> .` makes `dot/dot/../../etc` climb twice although it reads as climbing once.
///
/// The tree is copied as it is (links stay links), so a link that resolves inside it here
/// resolves to the same item there; anything that leaves the tree, even to come back by name,
/// reaches whatever the unpacked copy's surroundings hold, and an absolute target names the
/// build machine's file system, never the artifact's.
public struct SymlinkResolver: Sendable {
    public enum Resolution: Sendable, Equatable {
        /// Resolves to an item inside the tree: its path relative to the root (`.` for the root).
        case inside(String)
        /// Leaves the tree: an absolute target, or `..` at the root (after following links).
        case escapes
        /// Names something that does not exist, or goes on past a file (ENOENT, ENOTDIR).
        case dangles
        /// Needs more than `maximumHops` links: a loop (ELOOP).
        case loops
    }

    /// What one path below the root is, without following it.
    public enum Node: Sendable, Equatable {
        case directory
        case symlink(target: [UInt8])
        /// A file or any other non-directory.
        case other
        case missing
    }

    /// MAXSYMLINKS in Linux: the links one path resolution may follow, the first included.
    public static let maximumHops = 40

    /// The item at the components below the root.
    let lookup: @Sendable ([String]) -> Node

    public init(lookup: @escaping @Sendable ([String]) -> Node) {
        self.lookup = lookup
    }

    /// A resolver over the real tree at `root` (lstat(2), readlink(2)).
    public init(root: String) {
        self.init { components in
            let path = ([root] + components).joined(separator: "/")
            switch FileSystem.kind(of: path) {
            case .directory: return .directory
            case .symlink: return (try? FileSystem.rawSymlinkTarget(path)).map { .symlink(target: $0) } ?? .missing
            case .file, .other: return .other
            case nil: return .missing
            }
        }
    }

    /// Resolves `target`, the target of a link in the directory at `directory` (components
    /// below the root, each a real directory).
    public func resolve(target: [UInt8], from directory: [String]) -> Resolution {
        var current = directory
        // Components still to resolve, the next one last.
        var pending: [String] = []
        var hops = 1
        func push(_ target: [UInt8]) -> Resolution? {
            guard let text = String(validating: target, as: UTF8.self), !text.isEmpty else { return .dangles }
            if text.hasPrefix("/") { return .escapes }
            var components = text.split(separator: "/").map(String.init)
            // A trailing slash, like a trailing `/.`, needs a directory (ENOTDIR on a file).
            if text.hasSuffix("/") { components.append(".") }
            pending += components.reversed()
            return nil
        }
        if let early = push(target) { return early }
        while let component = pending.popLast() {
            switch component {
            case ".":
                continue
            case "..":
                guard !current.isEmpty else { return .escapes }
                current.removeLast()
                continue
            default:
                break
            }
            let candidate = current + [component]
            switch lookup(candidate) {
            case .directory:
                current = candidate
            case .other:
                return pending.isEmpty ? .inside(candidate.joined(separator: "/")) : .dangles
            case .missing:
                return .dangles
            case .symlink(let next):
                hops += 1
                guard hops <= Self.maximumHops else { return .loops }
                // Resolved from the directory holding that link, which is where we are.
                if let early = push(next) { return early }
            }
        }
        return .inside(current.isEmpty ? "." : current.joined(separator: "/"))
    }
}
