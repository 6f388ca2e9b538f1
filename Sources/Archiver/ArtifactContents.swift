public import BuildPlanner
import LambdaSupport

/// An artifact's parts resolved against the file system: every file,
/// directory and symlink, with paths relative to the artifact's root.
/// Built before anything is written, so a bad include stops the run early.
public struct ArtifactContents: Sendable, Equatable {
    /// One part placed (and, in a shared root, committed) as a whole: the
    /// executable, a bundle, or an include.
    public struct Part: Sendable, Equatable {
        /// Path relative to the root; every entry of the part is at or below it.
        public var path: String
        public var entries: [ArchiveEntry]
        /// How the user would name it in an error message.
        public var origin: String
    }

    public var executable: Part
    public var bundles: [Part]
    public var includes: [Part]
    /// One part per file or symlink in `lib/`, so that in a shared root (a
    /// layer's extensions) each is replaced on its own and others' stay.
    public var libraries: [Part] = []

    public var parts: [Part] { [executable] + bundles + includes + libraries }

    /// Resolves `artifact`'s parts; `executableSource` is where the
    /// executable's bytes are (the stripped copy), `currentDirectory`
    /// anchors relative include paths.
    public static func resolve(
        _ artifact: PlannedArtifact, executableSource: String, currentDirectory: String
    ) throws -> ArtifactContents {
        let executable = Part(
            path: artifact.layout.executable,
            entries: [.file(artifact.layout.executable, source: executableSource, executable: true)],
            origin: "the executable")
        let bundles = try artifact.bundles.map { bundle in
            let path = artifact.layout.bundlePath(bundle)
            return Part(path: path, entries: try TreeWalker.entries(of: bundle.source, at: path), origin: "bundle \(bundle.name)")
        }
        let includes = try includeParts(of: artifact, currentDirectory: currentDirectory)
        let libraries = artifact.libraries.map { library in
            let path = "\(ArtifactLayout.libraryDirectory)/\(library.name)"
            let entry: ArchiveEntry
            switch library.content {
            case .file(let source): entry = .file(path, source: source, executable: false)
            case .symlink(let target): entry = .symlink(path, target: target)
            }
            return Part(path: path, entries: [entry], origin: "bundled library \(library.name)")
        }
        let contents = ArtifactContents(executable: executable, bundles: bundles, includes: includes, libraries: libraries)
        try contents.checkCollisions(zipPath: artifact.zip.map { relativePath(of: $0.path, under: artifact.root) })
        return contents
    }

    /// Every check that needs only the plan and the includes on disk: missing paths, symlinks
    /// that leave an included directory, dangle or loop, names that are not UTF-8, other file
    /// types (all from `IncludeTree`), and collisions with the executable,
    /// a bundle, the zip or another include. Run before compiling, so a bad include costs no
    /// compile; `lib/` (known only after linking) is checked again when writing.
    public static func checkIncludes(of artifact: PlannedArtifact, currentDirectory: String) throws {
        let executable = Part(path: artifact.layout.executable, entries: [], origin: "the executable")
        let bundles = artifact.bundles.map { Part(path: artifact.layout.bundlePath($0), entries: [], origin: "bundle \($0.name)") }
        let contents = ArtifactContents(
            executable: executable, bundles: bundles, includes: try includeParts(of: artifact, currentDirectory: currentDirectory))
        try contents.checkCollisions(zipPath: artifact.zip.map { relativePath(of: $0.path, under: artifact.root) })
    }

    private static func includeParts(of artifact: PlannedArtifact, currentDirectory: String) throws -> [Part] {
        try artifact.includes.map { include in
            let source = FileSystem.absolute(include.source, relativeTo: currentDirectory)
            guard FileSystem.exists(source) else { throw IncludeError.missing(path: include.source) }
            return Part(
                path: include.destination, entries: try TreeWalker.entries(of: source, at: include.destination),
                origin: "--include \(include.source)")
        }
    }

    /// The includes whose source, symlinks resolved, is outside `packageRoot`: they ship
    /// whatever that path holds on the machine that builds (`../x`, `/etc/hostname`).
    /// Each as given, with where it resolved to.
    public static func includesOutside(
        _ packageRoot: String, of includes: [IncludeSpec], currentDirectory: String
    ) -> [(include: IncludeSpec, resolved: String)] {
        let root = FileSystem.resolvingSymlinks(packageRoot)
        return includes.compactMap { include in
            let resolved = FileSystem.resolvingSymlinks(FileSystem.absolute(include.source, relativeTo: currentDirectory))
            return resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/") ? nil : (include, resolved)
        }
    }

    /// No part may be at or inside another part's path (it would overwrite or
    /// be swapped out with it), nor at the zip's own path.
    func checkCollisions(zipPath: String?) throws {
        let all = parts
        for (index, part) in all.enumerated() {
            for other in all[..<index] where part.path == other.path || isAncestor(part.path, of: other.path) || isAncestor(other.path, of: part.path) {
                let entry = part.path.count >= other.path.count ? part.path : other.path
                if other.origin == executable.origin {
                    throw IncludeError.collidesWithExecutable(include: part.origin.replacingPrefix("--include ", with: ""), entry: other.path)
                }
                throw IncludeError.collision(entry: entry, first: other.origin, second: part.origin)
            }
            if let zipPath, part.path == zipPath || isAncestor(part.path, of: zipPath) {
                throw IncludeError.collision(entry: zipPath, first: "the zip", second: part.origin)
            }
        }
    }

    /// The entries of the zip: each part moved to where the zip's layout
    /// wants it, plus the layout's directories and the parent directories of
    /// nested includes, so every directory in the zip has an entry.
    public func zipEntries(for artifact: PlannedArtifact, layout: ArtifactLayout) -> [ArchiveEntry] {
        var entries: [ArchiveEntry] = [.file(layout.executable, source: sourceOfExecutable, executable: true)]
        for (bundle, part) in zip(artifact.bundles, bundles) {
            entries += part.entries.map { $0.moved(from: part.path, to: layout.bundlePath(bundle)) }
        }
        for part in includes + libraries { entries += part.entries }
        var directories = Set(layout.directories)
        for entry in entries {
            var parent = entry.path.split(separator: "/").dropLast()
            while !parent.isEmpty {
                directories.insert(parent.joined(separator: "/"))
                parent = parent.dropLast()
            }
        }
        let listed = Set(entries.filter { if case .directory = $0.kind { true } else { false } }.map(\.path))
        return entries + directories.subtracting(listed).map { ArchiveEntry.directory($0) }
    }

    /// The zip of `artifact` in `layout`, written by the one writer every artifact zip goes through.
    func writeZip(for artifact: PlannedArtifact, layout: ArtifactLayout, to destination: String, options: ZipOptions) throws
        -> ZipSummary
    {
        try ZipWriter.write(zipEntries(for: artifact, layout: layout), to: destination, options: options)
    }

    /// What the artifact unpacks to: the bytes of every file of its parts (Lambda's unzipped size).
    public func unzippedBytes() throws -> Int64 {
        try parts.flatMap(\.entries).reduce(0) { total, entry in
            if case .file(let source, _) = entry.kind { return total + (try FileSystem.size(of: source)) }
            return total
        }
    }

    private var sourceOfExecutable: String {
        if case .file(let source, _) = executable.entries[0].kind { return source }
        return ""
    }
}

func isAncestor(_ ancestor: String, of path: String) -> Bool {
    path.hasPrefix(ancestor + "/")
}

func relativePath(of path: String, under root: String) -> String {
    path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
}

extension ArchiveEntry {
    /// The same entry with its path prefix `old` replaced by `new`.
    func moved(from old: String, to new: String) -> ArchiveEntry {
        guard old != new else { return self }
        var copy = self
        copy.path = new + path.dropFirst(old.count)
        return copy
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}

/// Walks files and directories into archive entries in sorted order.
enum TreeWalker {
    /// Entries for `source` placed at `destination`. A file keeps its executable bit; a
    /// directory is walked by `IncludeTree` (links kept as links, never entered). `source`
    /// itself, when a symlink, is followed: the user named it to ship what it points to.
    static func entries(of source: String, at destination: String) throws -> [ArchiveEntry] {
        guard FileSystem.exists(source), let kind = FileSystem.kind(of: source, followingSymlinks: true) else {
            throw IncludeError.missing(path: source)
        }
        switch kind {
        case .directory:
            var entries: [ArchiveEntry] = [.directory(destination)]
            try IncludeTree.walk(source) { item in
                let path = "\(destination)/\(item.path)"
                switch item.kind {
                case .directory: entries.append(.directory(path))
                case .file(let executable): entries.append(.file(path, source: "\(source)/\(item.path)", executable: executable))
                case .symlink(let target): entries.append(.symlink(path, target: target))
                }
            }
            return entries
        case .file:
            return [.file(destination, source: source, executable: try FileSystem.permissions(of: source) & 0o111 != 0)]
        default:
            throw IncludeError.unsupportedFileType(path: source)
        }
    }
}
