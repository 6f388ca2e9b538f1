extension LayerEntry {
    /// The path without a directory's trailing `/`: the key for duplicates and for sorting.
    var normalizedPath: String {
        if path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") { return String(path.dropLast()) }
        return path
    }

    /// `entries` as a layer stores them: validated, every missing parent directory added (0755),
    /// sorted by the bytes of their paths, so a parent (a prefix) always comes before its
    /// children and the order does not depend on how the caller listed them or on the locale.
    static func tree(_ entries: [LayerEntry]) throws -> [LayerEntry] {
        var byPath: [String: LayerEntry] = [:]
        for entry in entries {
            let path = entry.normalizedPath
            try checkPath(path, isDirectory: entry.kind == .directory, original: entry.path)
            guard entry.mode & ~0o7777 == 0 else { throw OCIImageError.invalidMode(entry: path, mode: entry.mode) }
            if case .symlink(let target) = entry.kind, target.isEmpty || target.utf8.contains(0) {
                throw OCIImageError.invalidSymlinkTarget(entry: path, target: target)
            }
            guard byPath[path] == nil else { throw OCIImageError.duplicateEntry(path) }
            var normalized = entry
            normalized.path = path
            byPath[path] = normalized
        }
        for path in Array(byPath.keys) {
            var parent = path
            while let slash = parent.utf8.lastIndex(of: UInt8(ascii: "/")) {
                parent = String(parent[..<slash])
                if let existing = byPath[parent] {
                    guard existing.kind == .directory else {
                        throw OCIImageError.entryBelowNonDirectory(path, parent: parent)
                    }
                } else {
                    byPath[parent] = .directory(parent)
                }
            }
        }
        return byPath.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private static func checkPath(_ path: String, isDirectory: Bool, original: String) throws {
        func fail(_ problem: String) -> OCIImageError { .invalidEntryPath(original, problem: problem) }
        if path.isEmpty || path == "/" { throw fail("is empty") }
        if path.utf8.contains(0) { throw fail("contains a NUL byte") }
        if path.utf8.first == UInt8(ascii: "/") { throw fail("is absolute") }
        if !isDirectory, original.hasSuffix("/") { throw fail("ends with '/' but is not a directory") }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": throw fail("contains an empty component ('//')")
            case ".": throw fail("contains a '.' component")
            case "..": throw fail("contains '..'")
            default: continue
            }
        }
    }
}
