/// Which paths are the package's inputs, so that `watch` rebuilds for an edit to a source,
/// a resource or a manifest and never for what the build itself writes.
///
/// A pure value: the roots (the package and every workspace member) and the `.gitignore` files
/// already parsed, keyed by their directory. Paths are absolute and `/`-separated.
public struct ChangeFilter: Sendable, Equatable {
    /// The manifest files that count at a root even when not otherwise watched: they decide the build.
    static let manifestNames: Set<String> = ["Package.swift", "Package.resolved", "swift-lambda.toml"]
    /// Names editors write beside the file they save (vim's swap files and its `4913` probe, backups).
    static let editorSuffixes = ["~", ".swp", ".swx"]

    /// The roots, without trailing `/`, longest first.
    public let roots: [String]
    /// Each `.gitignore`'s directory and its rules, shallowest first (a deeper file has the last word).
    public let ignores: [(directory: String, rules: GitIgnore)]
    /// Files that are inputs wherever they are, hidden or ignored (`--env-file .env`).
    public let files: Set<String>

    public init(roots: [String], ignores: [String: GitIgnore] = [:], files: Set<String> = []) {
        self.roots = roots.map(Self.normalized).sorted { $0.count > $1.count }
        self.files = Set(files.map(Self.normalized))
        self.ignores = ignores.map { (Self.normalized($0.key), $0.value) }
            .sorted { ($0.0.split(separator: "/").count, $0.0) < ($1.0.split(separator: "/").count, $1.0) }
    }

    /// This filter with one more `.gitignore`, read in `directory`.
    public func adding(_ rules: GitIgnore, in directory: String) -> ChangeFilter {
        var all = Dictionary(ignores.map { ($0.directory, $0.rules) }, uniquingKeysWith: { $1 })
        all[Self.normalized(directory)] = rules
        return ChangeFilter(roots: roots, ignores: all, files: files)
    }

    /// This filter with `paths` counted as inputs wherever they are.
    public func including(files paths: [String]) -> ChangeFilter {
        ChangeFilter(
            roots: roots, ignores: Dictionary(ignores.map { ($0.directory, $0.rules) }, uniquingKeysWith: { $1 }),
            files: files.union(paths))
    }

    /// The directories to watch besides the roots: those of the named files outside every root.
    public var directoriesOutsideRoots: [String] {
        Set(files.filter { file in !roots.contains { Self.contains($0, file) } }.map { file in
            let parent = String(file[..<(file.lastIndex(of: "/") ?? file.startIndex)])
            return parent.isEmpty ? "/" : parent
        }).sorted()
    }

    /// Whether a change to `absolutePath` is a change to the package's inputs (for a directory:
    /// whether its contents can be, so the watcher descends into it).
    public func isRelevant(_ absolutePath: String, isDirectory: Bool) -> Bool {
        let path = Self.normalized(absolutePath)
        if files.contains(path) { return true }
        if isDirectory && files.contains(where: { Self.contains(path, $0) }) { return true }
        guard let root = roots.first(where: { Self.contains($0, path) }) else { return false }
        if path == root { return isDirectory }
        let components = Self.relative(path, to: root).split(separator: "/")
        for component in components {
            if component.hasPrefix(".") { return false }  // .build*, .git, .swiftpm, hidden files
        }
        let name = String(components.last!)
        if Self.editorSuffixes.contains(where: name.hasSuffix) || name == "4913" { return false }
        for other in roots where Self.contains(other, path) && path != other {
            if Self.relative(path, to: other).split(separator: "/").first == "target" { return false }
        }
        if components.count == 1 && !isDirectory {
            // At a root only the manifests count, even when ignored (Package.resolved usually is,
            // yet a changed pin changes what is built).
            return Self.isManifest(name)
        }
        return !isIgnored(path, below: root, isDirectory: isDirectory)
    }

    /// Whether a `.gitignore` excludes `path` or one of its directories below the outermost root.
    func isIgnored(_ path: String, below root: String, isDirectory: Bool) -> Bool {
        let outermost = roots.filter { Self.contains($0, path) }.min { $0.count < $1.count } ?? root
        var directory = outermost
        for component in Self.relative(path, to: outermost).split(separator: "/").dropLast() {
            directory += "/" + component
            if decision(directory, isDirectory: true) { return true }
        }
        return decision(path, isDirectory: isDirectory)
    }

    private func decision(_ path: String, isDirectory: Bool) -> Bool {
        var ignored = false
        for (directory, rules) in ignores where Self.contains(directory, path) && directory != path {
            if let decision = rules.decision(for: Self.relative(path, to: directory), isDirectory: isDirectory) {
                ignored = decision
            }
        }
        return ignored
    }

    static func isManifest(_ name: String) -> Bool {
        manifestNames.contains(name) || (name.hasPrefix("Package@swift-") && name.hasSuffix(".swift"))
    }

    static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    static func contains(_ directory: String, _ path: String) -> Bool {
        path == directory || path.hasPrefix(directory == "/" ? "/" : directory + "/")
    }

    static func relative(_ path: String, to directory: String) -> String {
        path == directory ? "" : String(path.dropFirst(directory == "/" ? 1 : directory.count + 1))
    }

    public static func == (lhs: ChangeFilter, rhs: ChangeFilter) -> Bool {
        lhs.roots == rhs.roots && lhs.ignores.map(\.directory) == rhs.ignores.map(\.directory)
            && lhs.ignores.map(\.rules) == rhs.ignores.map(\.rules) && lhs.files == rhs.files
    }
}
