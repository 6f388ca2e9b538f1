import Foundation

/// Everything the Archiver can fail with. Cases carry the values a caller needs to word its own
/// message; `description` gives a default sentence that says what went wrong and what to do.
public enum ArchiverError: Error, Sendable, Equatable {
    /// An entry path that cannot be stored safely.
    case invalidEntryPath(String, problem: PathProblem)
    /// Two entries with the same path (a directory's trailing `/` does not count).
    case duplicateEntry(String)
    /// An entry below a path that another entry stores as a file or a symlink.
    case entryBelowNonDirectory(String, parent: String)
    /// A symlink entry with an empty target or one containing a NUL byte.
    case invalidSymlinkTarget(entry: String, target: String)
    /// The source of a file entry does not exist (or cannot be examined).
    case missingSource(entry: String, source: String)
    /// The source of a file entry exists but is not a regular file (after following symlinks).
    case sourceNotRegularFile(entry: String, source: String)
    /// The source's size changed while it was being archived.
    case sourceChanged(entry: String, source: String, expectedSize: Int64)
    /// `SOURCE_DATE_EPOCH` is set but is not a whole number of seconds in the range a zip can hold.
    case invalidSourceDateEpoch(String)
    /// A modification time outside 0...4294967295 (the range of the zip extended timestamp).
    case invalidModificationTime(Int64)
    /// A compression level outside 0...9.
    case invalidCompressionLevel(Int)
    /// A system call failed; `errno` is the C error number.
    case fileSystem(operation: String, path: String, errno: Int32)
    /// libarchive refused an operation; `message` is its `archive_error_string`.
    case libarchive(operation: String, entry: String?, message: String)
    /// The bytes libarchive wrote are not laid out as expected (a libarchive change or a bug here).
    case unexpectedZipLayout(String)
    /// A zip that cannot be read (not a zip, truncated, damaged); `message` is libarchive's.
    case unreadableArchive(path: String, message: String)
    /// A zip entry that would land outside the directory it is unpacked into.
    case unsafeArchiveEntry(archive: String, entry: String, problem: PathProblem)

    public enum PathProblem: Sendable, Equatable {
        case empty
        case absolute
        /// A `..` component.
        case parentComponent
        /// A `.` component.
        case currentComponent
        /// Two consecutive slashes, or a trailing slash on something that is not a directory.
        case emptyComponent
        case containsNUL
        /// Longer than the 65535 bytes a zip name can hold.
        case tooLong
    }
}

extension ArchiverError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidEntryPath(let path, let problem):
            return "archive entry path '\(path)' \(problem.sentence)"
        case .duplicateEntry(let path):
            return "archive entry '\(path)' is listed twice; keep one of them"
        case .entryBelowNonDirectory(let path, let parent):
            return "archive entry '\(path)' is below '\(parent)', which is a file or a symlink in the same "
                + "archive; rename one of them"
        case .invalidSymlinkTarget(let entry, let target):
            return "symlink entry '\(entry)' has an unusable target '\(target)'; give a non-empty target"
        case .missingSource(let entry, let source):
            return "the file '\(source)' for archive entry '\(entry)' does not exist; build it first or fix "
                + "the path"
        case .sourceNotRegularFile(let entry, let source):
            return "the source '\(source)' for archive entry '\(entry)' is not a regular file; list a "
                + "directory's files as separate entries"
        case .sourceChanged(let entry, let source, let expectedSize):
            return "the file '\(source)' for archive entry '\(entry)' changed size while it was archived "
                + "(expected \(expectedSize) bytes); make sure nothing else writes it and try again"
        case .invalidSourceDateEpoch(let value):
            return "SOURCE_DATE_EPOCH='\(value)' is not a whole number of seconds between 0 and 4294967295; "
                + "set it to the output of `date +%s` or unset it"
        case .invalidModificationTime(let value):
            return "modification time \(value) is outside 0...4294967295 seconds since 1970"
        case .invalidCompressionLevel(let level):
            return "compression level \(level) is not between 0 (store) and 9 (smallest)"
        case .fileSystem(let operation, let path, let code):
            return "\(operation) '\(path)' failed: \(errnoDescription(code))"
        case .libarchive(let operation, let entry, let message):
            let suffix = entry.map { " for entry '\($0)'" } ?? ""
            return "libarchive \(operation) failed\(suffix): \(message)"
        case .unexpectedZipLayout(let detail):
            return "the zip written by libarchive is not laid out as expected (\(detail)); please report this"
        case .unreadableArchive(let path, let message):
            return "cannot read '\(path)' as a zip (\(message)); build it again with swift-lambda build --output-format zip"
        case .unsafeArchiveEntry(let archive, let entry, let problem):
            return "'\(archive)' holds an entry '\(entry)' that \(problem.sentence); it was not unpacked. Rebuild the zip with swift-lambda build"
        }
    }
}

extension ArchiverError.PathProblem {
    fileprivate var sentence: String {
        switch self {
        case .empty: "is empty; give a relative path such as 'bootstrap'"
        case .absolute: "is absolute; entry paths are relative to the archive root"
        case .parentComponent: "contains '..'; entries cannot point outside the archive"
        case .currentComponent: "contains a '.' component; remove it"
        case .emptyComponent: "contains an empty component ('//' or a trailing '/' on a non-directory)"
        case .containsNUL: "contains a NUL byte"
        case .tooLong: "is longer than the 65535 bytes a zip entry name can hold"
        }
    }
}

private func errnoDescription(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "errno \(code)" }
    return String(cString: message) + " (errno \(code))"
}
