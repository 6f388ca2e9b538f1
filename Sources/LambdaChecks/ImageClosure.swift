public import BuildPlanner
public import ELFKit
import LambdaSupport

/// One path in a container image.
public struct ImageEntry: Sendable, Equatable, Comparable {
    public enum Kind: Sendable, Equatable {
        /// A regular file whose bytes are those of `source` on the build host.
        case file(source: String)
        case directory
        /// Always relative, so it means the same wherever the image's root is unpacked.
        case symlink(target: String)
    }

    /// Absolute inside the image: `/usr/lib/x86_64-linux-gnu/libc.so.6`.
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public static func < (lhs: ImageEntry, rhs: ImageEntry) -> Bool { lhs.path < rhs.path }
}

/// Why the files an executable loads could not all be found in a root.
public enum ImageClosureError: Error, Sendable, Equatable {
    case interpreterMissing(path: String, executable: String, root: String)
    case libraryNotFound(soname: String, neededBy: String, root: String, machine: String, searched: [String])
    case unreadable(path: String, reason: String)
}

extension ImageClosureError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .interpreterMissing(let path, let executable, let root):
            return
                "image: the loader \(path) that \(executable) names (PT_INTERP) is not in \(root); install that architecture's C library there (Debian: libc6, or libc6-<arch>-cross for /usr/<triple>), or pass the root that has it"
        case .libraryNotFound(let soname, let neededBy, let root, let machine, let searched):
            let directories = LibrarySearch.directories(of: searched)
            return
                "image: \(soname) (needed by \(neededBy)) is not in \(root) for \(machine) (searched as the loader would: \(directories.isEmpty ? "nowhere" : directories.joined(separator: ", "))); install the package that provides it in that root, or pass its directory in the library path"
        case .unreadable(let path, let reason):
            return
                "image: cannot read \(path) as ELF (\(reason)); the root holds a damaged or foreign file there, reinstall its package"
        }
    }
}

/// Exactly the files the dynamic loader opens to start one executable, read
/// from a root (the build host's `/`, a Swift SDK's sysroot, or a cross
/// root such as `/usr/aarch64-linux-gnu`), laid out as a container image
/// needs them. Unlike `--bundle-libs` nothing is assumed of a runtime: the
/// image brings its own loader and C library.
///
/// Every file keeps the path it has inside the root, and every symlink the
/// loader crosses to reach it is kept too (Debian's merged-/usr `lib -> usr/lib`,
/// `/usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2`,
/// the SONAME link `libstdc++.so.6 -> libstdc++.so.6.0.30`), absolute targets
/// rewritten relative so they stay inside the image. So the kernel finds
/// `PT_INTERP`, and the loader finds a library at the path it was found at here.
///
/// How the loader finds them inside the image: an image has no
/// `/etc/ld.so.cache`, and a loader's compiled-in default directories depend
/// on how its glibc was built (Debian: `/lib/<multiarch>`, `/usr/lib/<multiarch>`,
/// `/lib`, `/usr/lib`; upstream and Amazon Linux: `/lib64`, `/usr/lib64`). So the
/// image must set `LD_LIBRARY_PATH` to `libraryPath`, which names every
/// directory a library was found in, default or not: what the host found through
/// its cache is then found the same way, whichever glibc the root has.
/// `RPATH`/`RUNPATH` entries still apply inside the image, as on the host.
public struct ImageClosure: Sendable {
    /// Sorted by path, each path once; the parents of every file and link included.
    public var entries: [ImageEntry]
    /// The ELF data of every object in the image (loader and libraries), by its real path there.
    public var objects: [String: ELFFile]
    /// Each directory a library was found in, as the loader names it, in the order first used.
    public var libraryDirectories: [String]
    /// The bytes of every file entry.
    public var fileBytes: Int64

    /// The value for the image's `LD_LIBRARY_PATH` (empty when nothing is loaded).
    public var libraryPath: String { libraryDirectories.joined(separator: ":") }

    /// A fully static executable (no `PT_INTERP`, no `DT_NEEDED`) loads nothing.
    public static let empty = ImageClosure(entries: [], objects: [:], libraryDirectories: [], fileBytes: 0)

    /// The files `executable` (at `executablePath`) loads, found in `root` as
    /// the loader of that root would find them for `architecture`:
    /// `RPATH`/`RUNPATH` (with `$ORIGIN`), `libraryPath` (the build's
    /// `LD_LIBRARY_PATH` is ignored unless passed), `<root>/etc/ld.so.cache`,
    /// then the default directories. Paths in `RPATH`/`RUNPATH` and the cache
    /// are read inside the root; `$ORIGIN` of the executable is its directory
    /// as given, also read inside the root.
    public static func resolve(
        executable: ELFFile, at executablePath: String, root: String, architecture: Architecture,
        libraryPath: [String] = []
    ) throws -> ImageClosure {
        guard executable.interpreter != nil || !executable.needed.isEmpty else { return .empty }
        let tree = RootedTree.disk(root: root)
        var builder = Builder(root: root, tree: tree)
        // Names already loaded, as the loader matches DT_NEEDED against loaded objects before searching.
        var loaded: [String: String] = [:]
        if let interpreter = executable.interpreter {
            guard let (path, file) = try builder.add(interpreter) else {
                throw ImageClosureError.interpreterMissing(path: interpreter, executable: executablePath, root: root)
            }
            loaded[lastComponent(interpreter)] = path
            if let soname = file.soname { loaded[soname] = path }
        }

        let search = LibrarySearch(
            libraryPath: libraryPath,
            cache: LoaderCache.load(RootedTree.diskPath(of: LoaderCache.systemPath, root: root)),
            defaultDirectories: LibrarySearch.defaultDirectories(for: architecture))
        let machine = ELFMachine(architecture)
        let start = LibrarySearch.Requester(path: executablePath, file: executable)
        var queue = executable.needed.map { (name: $0, requester: start) }
        var directories: [String] = []
        while !queue.isEmpty {
            let (name, requester) = queue.removeFirst()
            guard loaded[name] == nil else { continue }
            var searched: [String] = []
            guard
                let found = search.locate(
                    name, for: requester, executable: start, machine: machine, searched: &searched,
                    open: builder.open)
            else {
                throw ImageClosureError.libraryNotFound(
                    soname: name, neededBy: requester.path, root: root, machine: machine.description,
                    searched: searched)
            }
            guard let (path, file) = try builder.add(found.path) else { continue }
            let isNew = !loaded.values.contains(path)
            loaded[name] = path
            if let soname = file.soname { loaded[soname] = path }
            let directory = FileSystem.parent(of: FileSystem.absolute(found.path, relativeTo: "/"))
            if !directories.contains(directory) { directories.append(directory) }
            if isNew { queue += file.needed.map { ($0, LibrarySearch.Requester(path: found.path, file: file)) } }
        }
        return ImageClosure(
            entries: builder.entries(), objects: builder.objects, libraryDirectories: directories,
            fileBytes: builder.fileBytes)
    }

    /// Collects the entries of each object added and the links on its way.
    private struct Builder {
        let root: String
        let tree: RootedTree
        var kinds: [String: ImageEntry.Kind] = [:]
        var objects: [String: ELFFile] = [:]
        var fileBytes: Int64 = 0

        init(root: String, tree: RootedTree) {
            self.root = root
            self.tree = tree
        }

        /// The ELF data of the regular file at `path` inside the root.
        var open: (String) -> ELFFile? {
            { [tree, root] path in
                guard let resolved = tree.resolve(path), resolved.node == .file else { return nil }
                return try? ELFFile(contentsOf: RootedTree.diskPath(of: resolved.path, root: root))
            }
        }

        /// Adds the file at `path` inside the root with its links; its real path and ELF data, or nil when absent.
        mutating func add(_ path: String) throws -> (String, ELFFile)? {
            guard let resolved = tree.resolve(path), resolved.node == .file else { return nil }
            if let file = objects[resolved.path] { return (resolved.path, file) }
            let source = RootedTree.diskPath(of: resolved.path, root: root)
            let file: ELFFile
            do {
                file = try ELFFile(contentsOf: source)
            } catch {
                throw ImageClosureError.unreadable(path: source, reason: "\(error)")
            }
            for link in resolved.links {
                kinds[link.path] = .symlink(target: RootedTree.relativeTarget(link.target, of: link.path))
            }
            kinds[resolved.path] = .file(source: source)
            objects[resolved.path] = file
            fileBytes += (try? FileSystem.size(of: source)) ?? 0
            return (resolved.path, file)
        }

        /// Every entry with its parent directories, sorted.
        func entries() -> [ImageEntry] {
            var all = kinds
            for path in kinds.keys {
                var parent = FileSystem.parent(of: path)
                while parent != "/", parent != ".", all[parent] == nil {
                    all[parent] = .directory
                    parent = FileSystem.parent(of: parent)
                }
            }
            return all.map { ImageEntry(path: $0.key, kind: $0.value) }.sorted()
        }
    }
}
