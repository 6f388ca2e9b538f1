import Archiver
import Foundation

/// Everything OCIImage can fail with. Cases carry the values a caller needs to word its own
/// message; `description` is one sentence that says what is wrong and what to do.
public enum OCIImageError: Error, Sendable, Equatable {
    /// A layer entry path that cannot be stored safely (`problem` says why, as a phrase).
    case invalidEntryPath(String, problem: String)
    /// Two layer entries with the same path.
    case duplicateEntry(String)
    /// A layer entry below a path another entry stores as a file or a symlink.
    case entryBelowNonDirectory(String, parent: String)
    /// A mode with bits beyond the permission, setuid, setgid and sticky bits.
    case invalidMode(entry: String, mode: UInt32)
    /// A symlink entry with an empty target or one containing a NUL byte.
    case invalidSymlinkTarget(entry: String, target: String)
    /// The source of a file entry is missing, or is not a regular file after following symlinks.
    case missingSource(entry: String, source: String)
    case sourceNotRegularFile(entry: String, source: String)
    /// The source's size changed while it was being archived.
    case sourceChanged(entry: String, source: String, expectedSize: Int64)
    /// A modification time outside 0...4294967295 (the range `SOURCE_DATE_EPOCH` is checked against).
    case invalidModificationTime(Int64)
    /// A compression level outside 1...9.
    case invalidCompressionLevel(Int)
    /// An image reference (the `ref.name` annotation) outside the OCI character set.
    case invalidReference(String)
    /// A system call failed; `errno` is the C error number.
    case fileSystem(operation: String, path: String, errno: Int32)
    /// libarchive refused an operation; `message` is its `archive_error_string`.
    case libarchive(operation: String, entry: String?, message: String)
    /// A tar or layout that cannot be read (not a tar, truncated, a required file missing).
    case unreadableImage(path: String, problem: String)
    /// A JSON document of the image that does not decode as its media type says.
    case invalidDocument(name: String, problem: String)
    /// A digest string that is not `sha256:` and 64 lowercase hex digits.
    case invalidDigest(String)
    /// A descriptor names a blob that the image does not hold.
    case missingBlob(String)
    /// A blob whose bytes do not hash to its name, or whose size differs from its descriptor's.
    case digestMismatch(expected: String, actual: String)
    case sizeMismatch(digest: String, expected: Int64, actual: Int64)
    /// `index.json` lists another number of manifests than one.
    case manifestCount(Int)
    /// `index.json` points to another index (a multi-architecture image) instead of a manifest.
    case nestedIndex(mediaType: String)
    /// A media type this reader does not handle, and where it was found.
    case unsupportedMediaType(String, in: String)
    /// An unpack destination that already holds something.
    case destinationNotEmpty(String)
    /// A layer entry the unpacker refuses; nothing was written for it or after it.
    case unsafeLayerEntry(layer: String, entry: String, problem: String)
}

extension OCIImageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidEntryPath(let path, let problem):
            return "layer entry path '\(path)' \(problem); give a relative path such as 'var/task/bootstrap'"
        case .duplicateEntry(let path):
            return "layer entry '\(path)' is listed twice; keep one of them"
        case .entryBelowNonDirectory(let path, let parent):
            return
                "layer entry '\(path)' is below '\(parent)', which is a file or a symlink in the same layer; rename one of them"
        case .invalidMode(let entry, let mode):
            return
                "layer entry '\(entry)' has mode \(String(mode, radix: 8)), which has bits beyond 7777; give permission bits only"
        case .invalidSymlinkTarget(let entry, let target):
            return "symlink entry '\(entry)' has an unusable target '\(target)'; give a non-empty target"
        case .missingSource(let entry, let source):
            return "the file '\(source)' for layer entry '\(entry)' does not exist; build it first or fix the path"
        case .sourceNotRegularFile(let entry, let source):
            return
                "the source '\(source)' for layer entry '\(entry)' is not a regular file; list a directory's files as separate entries"
        case .sourceChanged(let entry, let source, let expectedSize):
            return
                "the file '\(source)' for layer entry '\(entry)' changed size while it was archived (expected \(expectedSize) bytes); make sure nothing else writes it and try again"
        case .invalidModificationTime(let value):
            return
                "modification time \(value) is outside 0...4294967295 seconds since 1970; pass SOURCE_DATE_EPOCH or 315532800"
        case .invalidCompressionLevel(let level):
            return "gzip compression level \(level) is not between 1 (fastest) and 9 (smallest)"
        case .invalidReference(let reference):
            return
                "image reference '\(reference)' is not usable as a tag; use letters, digits and -._:@/+ only, such as 'hello:latest'"
        case .fileSystem(let operation, let path, let code):
            return "\(operation) '\(path)' failed: \(errnoDescription(code))"
        case .libarchive(let operation, let entry, let message):
            let suffix = entry.map { " for entry '\($0)'" } ?? ""
            return "libarchive \(operation) failed\(suffix): \(message)"
        case .unreadableImage(let path, let problem):
            return
                "cannot read '\(path)' as an OCI image (\(problem)); write it again with swift-lambda build --output-format image"
        case .invalidDocument(let name, let problem):
            return
                "the image's \(name) is not valid (\(problem)); write the image again with swift-lambda build --output-format image"
        case .invalidDigest(let digest):
            return "'\(digest)' is not a sha256 digest; the image names its blobs as sha256:<64 hex digits>"
        case .missingBlob(let digest):
            return "the image lists blob \(digest) but does not hold it; the archive is incomplete, write it again"
        case .digestMismatch(let expected, let actual):
            return "blob \(expected) hashes to \(actual); the image is damaged, write or copy it again"
        case .sizeMismatch(let digest, let expected, let actual):
            return
                "blob \(digest) is \(actual) bytes but its descriptor says \(expected); the image is damaged, write or copy it again"
        case .manifestCount(let count):
            return
                "image.tar holds an index with \(count) manifests; swift-lambda reads single-architecture images (copy one with skopeo copy --override-arch)"
        case .nestedIndex(let mediaType):
            return "image.tar's index points to another index (\(mediaType)); swift-lambda reads single-architecture "
                + "images (copy one with skopeo copy --override-arch)"
        case .unsupportedMediaType(let mediaType, let place):
            return
                "\(place) has media type '\(mediaType)', which swift-lambda does not read; convert the image with skopeo copy --format oci"
        case .destinationNotEmpty(let path):
            return "'\(path)' is not empty; unpack an image into a new or empty directory"
        case .unsafeLayerEntry(let layer, let entry, let problem):
            return
                "layer \(layer) holds an entry '\(entry)' that \(problem); nothing more was unpacked, use an image from a trusted build"
        }
    }
}

private func errnoDescription(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "errno \(code)" }
    return String(cString: message) + " (errno \(code))"
}

extension OCIImageError {
    /// Runs `body`, turning the errors of the pieces shared with Archiver (`AtomicOutputFile`,
    /// `SourceFileStream`) into OCIImage's own cases with the same values, so callers of this
    /// module see one error type, worded for layers, whichever code failed.
    static func mappingArchiverErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch ArchiverError.fileSystem(let operation, let path, let code) {
            throw OCIImageError.fileSystem(operation: operation, path: path, errno: code)
        } catch ArchiverError.missingSource(let entry, let source) {
            throw OCIImageError.missingSource(entry: entry, source: source)
        } catch ArchiverError.sourceNotRegularFile(let entry, let source) {
            throw OCIImageError.sourceNotRegularFile(entry: entry, source: source)
        } catch ArchiverError.sourceChanged(let entry, let source, let expectedSize) {
            throw OCIImageError.sourceChanged(entry: entry, source: source, expectedSize: expectedSize)
        }
    }
}
