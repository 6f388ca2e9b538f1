import Foundation

/// One entry as it was unpacked.
public struct ExtractedEntry: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case file, directory, symlink }

    /// The name stored in the zip (directories may end with `/`).
    public var path: String
    public var kind: Kind
    /// The permission bits stored in the zip and restored on disk.
    public var permissions: UInt32
    public var size: Int64
    public var symlinkTarget: String?
}

/// Unpacks deployment zips the way Lambda does before it runs them: `bootstrap.zip` into
/// `/var/task`, layers into `/opt`, with modes and symlinks as stored. Used to run exactly the
/// bytes that will be uploaded.
public enum ZipReader {
    /// Unpacks `zip` into `directory` (created when missing; entries already there are replaced,
    /// as a later layer replaces an earlier one's files). Entries with an absolute path, a `..`
    /// component or a path through a symlink are refused before anything is written for them.
    @discardableResult
    public static func extract(_ zip: String, into directory: String) throws -> [ExtractedEntry] {
        var status = stat()
        guard stat(zip, &status) == 0 else {
            throw ArchiverError.missingSource(entry: "(the zip itself)", source: zip)
        }
        try makeDirectories(directory)
        // libarchive's symlink check looks at every component: resolve the root's own symlinks
        // (/tmp on macOS) first.
        guard let resolved = realpath(directory, nil) else {
            throw ArchiverError.fileSystem(operation: "realpath", path: directory, errno: errno)
        }
        let root = String(cString: resolved)
        free(resolved)
        return try LibArchive.withUTF8Names {
            let reader = try LibArchiveZipReader(path: zip)
            return try reader.extractAll(into: root) { name in
                try checkStoredName(name, in: zip)
            }
        }
    }

    /// The entries of `zip` as stored (name, kind, mode, size), unpacking nothing: what a zip
    /// holds and unpacks to, for a zip that is only to be uploaded.
    public static func entries(of zip: String) throws -> [ExtractedEntry] {
        try LibArchive.withUTF8Names { try LibArchiveZipReader(path: zip).listAll() }
    }

    private static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ArchiverError.fileSystem(operation: "mkdir", path: current, errno: errno)
            }
        }
    }

    /// The same rules as for writing (`ZipWriter`): relative, no `.` or `..`, no empty component
    /// except a directory's trailing `/`.
    static func checkStoredName(_ name: String, in zip: String) throws {
        func fail(_ problem: ArchiverError.PathProblem) -> ArchiverError {
            ArchiverError.unsafeArchiveEntry(archive: zip, entry: name, problem: problem)
        }
        if name.isEmpty { throw fail(.empty) }
        if name.utf8.first == UInt8(ascii: "/") { throw fail(.absolute) }
        let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
        for component in trimmed.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": throw fail(.emptyComponent)
            case "..": throw fail(.parentComponent)
            case ".": throw fail(.currentComponent)
            default: continue
            }
        }
    }
}
