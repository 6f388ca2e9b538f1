public import BuildPlanner
public import ELFKit
import LambdaSupport

/// Where the dynamic loader looks for a needed library, in its order
/// (ld.so(8)): the requester's `DT_RPATH` (and the executable's) when it has no
/// `DT_RUNPATH`, then `LD_LIBRARY_PATH`, then the requester's `DT_RUNPATH`, then
/// `/etc/ld.so.cache`, then the default directories. A candidate counts only
/// when it is an ELF file for the target's machine, as the loader skips others.
public struct LibrarySearch: Sendable, Equatable {
    /// `LD_LIBRARY_PATH` of the build, split.
    public var libraryPath: [String]
    public var cache: LoaderCache?
    public var defaultDirectories: [String]

    public init(libraryPath: [String], cache: LoaderCache?, defaultDirectories: [String]) {
        self.libraryPath = libraryPath
        self.cache = cache
        self.defaultDirectories = defaultDirectories
    }

    /// The build host's loader configuration for `architecture`: its cache, its
    /// multiarch and default directories, and the Debian cross-toolchain
    /// directory (`/usr/<triple>/lib`) where a cross build's libraries live.
    public static func host(for architecture: Architecture, environment: [String: String]) -> LibrarySearch {
        LibrarySearch(
            libraryPath: (environment["LD_LIBRARY_PATH"] ?? "").split(separator: ":").map(String.init),
            cache: LoaderCache.load(),
            defaultDirectories: defaultDirectories(for: architecture) + ["/usr/\(architecture.rawValue)-linux-gnu/lib"])
    }

    /// The loader's trusted directories for `architecture` in a system rooted
    /// at `root`: Debian's multiarch ones, the lib64 ones of Fedora and Amazon
    /// Linux, and plain lib.
    public static func defaultDirectories(for architecture: Architecture, root: String = "/") -> [String] {
        let multiarch = "\(architecture.rawValue)-linux-gnu"
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return ["lib/\(multiarch)", "usr/lib/\(multiarch)", "lib64", "usr/lib64", "lib", "usr/lib"].map { "\(base)/\($0)" }
    }

    /// The object that needs a library: its ELF data and where it lies (for `$ORIGIN`).
    public struct Requester: Sendable {
        public var path: String
        public var file: ELFFile

        public init(path: String, file: ELFFile) {
            self.path = path
            self.file = file
        }
    }

    /// The path the loader would load `name` from for `requester` (whose
    /// executable is `executable`), with the ELF data read there; nil when no
    /// candidate suits `machine`. Every path tried is appended to `searched`.
    public func locate(
        _ name: String, for requester: Requester, executable: Requester, machine: ELFMachine,
        searched: inout [String]
    ) -> (path: String, file: ELFFile)? {
        locate(name, for: requester, executable: executable, machine: machine, searched: &searched) { path in
            guard FileSystem.kind(of: path, followingSymlinks: true) == .file else { return nil }
            return try? ELFFile(contentsOf: path)
        }
    }

    /// The same search over another file system: `open` gives the ELF data of
    /// the regular file at a path, or nil when there is none. Paths are as the
    /// loader would open them, so one search serves the build host, a root
    /// read as from inside it (`ImageClosure`), and an image that exists only
    /// as entries (`ImageReadiness`).
    public func locate(
        _ name: String, for requester: Requester, executable: Requester, machine: ELFMachine,
        searched: inout [String], open: (String) -> ELFFile?
    ) -> (path: String, file: ELFFile)? {
        func accept(_ path: String) -> (path: String, file: ELFFile)? {
            searched.append(path)
            guard let file = open(path), file.header.machine == machine else { return nil }
            return (path, file)
        }
        if name.contains("/") { return accept(FileSystem.absolute(name, relativeTo: FileSystem.parent(of: requester.path))) }

        var directories: [String] = []
        if requester.file.runpath.isEmpty {
            directories += Self.expand(requester.file.rpath, origin: requester.path)
            if executable.path != requester.path { directories += Self.expand(executable.file.rpath, origin: executable.path) }
        }
        directories += libraryPath
        directories += Self.expand(requester.file.runpath, origin: requester.path)
        for directory in directories {
            if let found = accept("\(directory)/\(name)") { return found }
        }
        for path in cache?.paths(for: name) ?? [] {
            if let found = accept(path) { return found }
        }
        for directory in defaultDirectories {
            if let found = accept("\(directory)/\(name)") { return found }
        }
        return nil
    }

    /// The directories of the paths a search tried, each once in the order first tried: what an
    /// error names so the user sees where the loader would look.
    public static func directories(of searched: [String]) -> [String] {
        searched.map(FileSystem.parent(of:)).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Path lists with `$ORIGIN` (or `${ORIGIN}`) replaced by the object's directory.
    static func expand(_ entries: [String], origin objectPath: String) -> [String] {
        let origin = FileSystem.parent(of: objectPath)
        return entries.flatMap { $0.split(separator: ":").map(String.init) }.map { entry in
            entry.replacing("${ORIGIN}", with: origin).replacing("$ORIGIN", with: origin)
        }
    }
}
