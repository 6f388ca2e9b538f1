import Foundation

extension ZipWriter {
    /// Checks every entry before anything is created on disk and returns them in archive order:
    /// sorted by the bytes of their stored names, so the same set of entries always gives the same
    /// archive whatever order the caller listed them in. Errors are reported for the first offending
    /// entry in that order, so they do not depend on the caller's order either.
    static func validated(_ entries: [ArchiveEntry]) throws -> [ArchiveEntry] {
        let sorted = entries.sorted { $0.storedName.utf8.lexicographicallyPrecedes($1.storedName.utf8) }

        var seen: Set<String> = []
        var nonDirectories: Set<String> = []
        for entry in sorted {
            try checkPath(of: entry)
            if case .symlink(let target) = entry.kind, target.isEmpty || target.utf8.contains(0) {
                throw ArchiverError.invalidSymlinkTarget(entry: entry.path, target: target)
            }
            guard seen.insert(entry.normalizedPath).inserted else {
                throw ArchiverError.duplicateEntry(entry.normalizedPath)
            }
            if case .directory = entry.kind {} else { nonDirectories.insert(entry.normalizedPath) }
        }

        for entry in sorted {
            let components = entry.normalizedPath.split(separator: "/")
            for length in components.indices.dropLast() {
                let ancestor = components[...length].joined(separator: "/")
                if nonDirectories.contains(ancestor) {
                    throw ArchiverError.entryBelowNonDirectory(entry.normalizedPath, parent: ancestor)
                }
            }
        }

        for entry in sorted {
            if case .file(let source, _) = entry.kind {
                try checkSource(source, of: entry)
            }
        }
        return sorted
    }

    private static func checkPath(of entry: ArchiveEntry) throws {
        let path = entry.path
        func fail(_ problem: ArchiverError.PathProblem) -> ArchiverError {
            ArchiverError.invalidEntryPath(path, problem: problem)
        }
        if path.isEmpty { throw fail(.empty) }
        if path.utf8.contains(0) { throw fail(.containsNUL) }
        if path.utf8.first == UInt8(ascii: "/") { throw fail(.absolute) }
        for component in entry.normalizedPath.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": throw fail(.emptyComponent)
            case "..": throw fail(.parentComponent)
            case ".": throw fail(.currentComponent)
            default: continue
            }
        }
        if entry.storedName.utf8.count > Int(UInt16.max) { throw fail(.tooLong) }
    }

    /// A source must exist and be a regular file (symlinks are followed, as `open` will).
    private static func checkSource(_ source: String, of entry: ArchiveEntry) throws {
        var status = stat()
        guard stat(source, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw ArchiverError.missingSource(entry: entry.normalizedPath, source: source)
            }
            throw ArchiverError.fileSystem(operation: "stat", path: source, errno: code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ArchiverError.sourceNotRegularFile(entry: entry.normalizedPath, source: source)
        }
    }
}
