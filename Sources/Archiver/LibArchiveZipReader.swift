import CArchive
import Foundation

/// The only place that reads archives through libarchive, beside `LibArchiveZipStream` which
/// writes them: a zip opened for reading and a disk writer that materialises its entries. Every
/// libarchive status worse than `ARCHIVE_WARN` becomes an `ArchiverError` carrying
/// `archive_error_string`.
///
/// libarchive's own safe-extraction options do the dangerous part: `SECURE_NODOTDOT` and the
/// relative-path check here refuse entries that climb out of the destination, and
/// `SECURE_SYMLINKS` refuses to write through a symlink an earlier entry created, so a zip
/// cannot put a file outside the destination by first planting `link -> /`. Symlinks themselves
/// are kept as symlinks with their targets as stored (Lambda resolves them inside the sandbox),
/// and `PERM` restores modes exactly, without the umask: an executable stays 0755.
final class LibArchiveZipReader {
    private let archive: OpaquePointer
    private let disk: OpaquePointer
    private let path: String

    init(path: String) throws {
        guard let archive = archive_read_new() else {
            throw ArchiverError.libarchive(operation: "archive_read_new", entry: nil, message: "out of memory")
        }
        guard let disk = archive_write_disk_new() else {
            archive_read_free(archive)
            throw ArchiverError.libarchive(operation: "archive_write_disk_new", entry: nil, message: "out of memory")
        }
        self.archive = archive
        self.disk = disk
        self.path = path
        guard archive_read_support_format_zip(archive) == ARCHIVE_OK else {
            throw ArchiverError.unreadableArchive(path: path, message: readError())
        }
        // Not ARCHIVE_EXTRACT_UNLINK: with it, libarchive replaces a planted symlink by a directory
        // instead of refusing the entry, silently changing the layout.
        let options = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS
            | ARCHIVE_EXTRACT_SECURE_NODOTDOT
        guard archive_write_disk_set_options(disk, options) == ARCHIVE_OK else {
            throw ArchiverError.libarchive(operation: "archive_write_disk_set_options", entry: nil, message: diskError())
        }
        guard archive_read_open_filename(archive, path, 1 << 16) == ARCHIVE_OK else {
            throw ArchiverError.unreadableArchive(path: path, message: readError())
        }
    }

    deinit {
        archive_read_free(archive)
        archive_write_free(disk)
    }

    /// Writes every entry under `root` (an absolute path without symlinks, which must exist),
    /// checking each stored name with `check` first.
    func extractAll(into root: String, check: (String) throws -> Void) throws -> [ExtractedEntry] {
        var extracted: [ExtractedEntry] = []
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status >= ARCHIVE_WARN, let entry else {
                throw ArchiverError.unreadableArchive(path: path, message: readError())
            }
            let name = Self.pathname(of: entry)
            try check(name)
            let item = Self.describe(entry, name: name)
            archive_entry_set_pathname_utf8(entry, root + "/" + name)
            guard archive_write_header(disk, entry) >= ARCHIVE_WARN else {
                throw ArchiverError.libarchive(operation: "archive_write_header", entry: name, message: diskError())
            }
            if item.kind == .file { try copyData(of: name) }
            guard archive_write_finish_entry(disk) >= ARCHIVE_WARN else {
                throw ArchiverError.libarchive(operation: "archive_write_finish_entry", entry: name, message: diskError())
            }
            extracted.append(item)
        }
        guard archive_write_close(disk) >= ARCHIVE_WARN else {
            throw ArchiverError.libarchive(operation: "archive_write_close", entry: nil, message: diskError())
        }
        return extracted
    }

    /// Every entry as stored, read without writing anything (the data is skipped).
    func listAll() throws -> [ExtractedEntry] {
        var listed: [ExtractedEntry] = []
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { return listed }
            guard status >= ARCHIVE_WARN, let entry else {
                throw ArchiverError.unreadableArchive(path: path, message: readError())
            }
            listed.append(Self.describe(entry, name: Self.pathname(of: entry)))
            guard archive_read_data_skip(archive) >= ARCHIVE_WARN else {
                throw ArchiverError.unreadableArchive(path: path, message: readError())
            }
        }
    }

    private func copyData(of name: String) throws {
        let failure: () -> any Error = {
            ArchiverError.unreadableArchive(path: self.path, message: "entry '\(name)': \(self.readError())")
        }
        try LibArchive.readDataBlocks(archive, failure: failure) { bytes, offset in
            guard archive_write_data_block(disk, bytes.baseAddress, bytes.count, offset) >= ARCHIVE_WARN else {
                throw ArchiverError.libarchive(operation: "archive_write_data_block", entry: name, message: diskError())
            }
        }
    }

    private static func pathname(of entry: OpaquePointer) -> String {
        if let utf8 = archive_entry_pathname_utf8(entry) { return String(cString: utf8) }
        if let raw = archive_entry_pathname(entry) { return String(cString: raw) }
        return ""
    }

    private static func describe(_ entry: OpaquePointer, name: String) -> ExtractedEntry {
        let permissions = UInt32(archive_entry_perm(entry)) & 0o7777
        switch UInt32(archive_entry_filetype(entry)) & LibArchive.FileType.mask {
        case LibArchive.FileType.directory:
            return ExtractedEntry(path: name, kind: .directory, permissions: permissions, size: 0, symlinkTarget: nil)
        case LibArchive.FileType.symlink:
            let target = archive_entry_symlink_utf8(entry).map { String(cString: $0) }
                ?? archive_entry_symlink(entry).map { String(cString: $0) } ?? ""
            return ExtractedEntry(path: name, kind: .symlink, permissions: permissions, size: 0, symlinkTarget: target)
        default:
            return ExtractedEntry(
                path: name, kind: .file, permissions: permissions, size: archive_entry_size(entry), symlinkTarget: nil)
        }
    }

    private func readError() -> String { LibArchive.errorString(archive) }
    private func diskError() -> String { LibArchive.errorString(disk) }
}
