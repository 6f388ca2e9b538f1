import Archiver
import CArchive
import Foundation

/// The only place that reads through libarchive, beside `LibArchiveTarStream` which writes: a
/// tar (any compression libarchive detects: gzip, zstd, none) read entry by entry, and the disk
/// writer the unpacker materialises checked entries with. Every status worse than `ARCHIVE_WARN`
/// becomes an `OCIImageError` with `archive_error_string`.
///
/// The unpacker checks every name itself before an entry reaches the disk writer; the disk
/// writer's own `SECURE_SYMLINKS` and `SECURE_NODOTDOT` stay on as a second line (a symlink in
/// any component of the path is refused, never followed). Not `UNLINK`: the unpacker removes what
/// an entry replaces itself, after its checks. `PERM` restores modes exactly (1777 included),
/// without the umask; owners are not restored (the unpacked tree belongs to whoever runs it).
final class LibArchiveTarReader {
    private let archive: OpaquePointer
    private let disk: OpaquePointer
    private let path: String
    private var current: OpaquePointer?

    struct Header {
        enum Kind: Equatable {
            case file
            case directory
            case symlink(target: String)
            case hardlink(target: String)
            /// A character or block device, a FIFO or a socket.
            case special(String)
        }

        var path: String
        var kind: Kind
        var mode: UInt32
        var size: Int64
    }

    init(path: String) throws {
        guard let archive = archive_read_new(), let disk = archive_write_disk_new() else {
            throw OCIImageError.libarchive(operation: "archive_read_new", entry: nil, message: "out of memory")
        }
        self.archive = archive
        self.disk = disk
        self.path = path
        guard archive_read_support_filter_all(archive) == ARCHIVE_OK,
            archive_read_support_format_tar(archive) == ARCHIVE_OK
        else { throw OCIImageError.unreadableImage(path: path, problem: Self.message(of: archive)) }
        let options =
            ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS
            | ARCHIVE_EXTRACT_SECURE_NODOTDOT
        guard archive_write_disk_set_options(disk, options) == ARCHIVE_OK else {
            throw OCIImageError.libarchive(
                operation: "archive_write_disk_set_options", entry: nil, message: Self.message(of: disk))
        }
        guard archive_read_open_filename(archive, path, 1 << 16) == ARCHIVE_OK else {
            throw OCIImageError.unreadableImage(path: path, problem: Self.message(of: archive))
        }
    }

    deinit {
        archive_read_free(archive)
        archive_write_free(disk)
    }

    /// The next entry's header, or nil at the end of the tar.
    func next() throws -> Header? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status >= ARCHIVE_WARN, let entry else {
            throw OCIImageError.unreadableImage(path: path, problem: Self.message(of: archive))
        }
        current = entry
        let name = Self.string(archive_entry_pathname_utf8(entry)) ?? Self.string(archive_entry_pathname(entry)) ?? ""
        let mode = UInt32(archive_entry_perm(entry)) & 0o7777
        let kind: Header.Kind
        if let target = Self.string(archive_entry_hardlink_utf8(entry)) ?? Self.string(archive_entry_hardlink(entry)) {
            kind = .hardlink(target: target)
        } else {
            switch UInt32(archive_entry_filetype(entry)) & LibArchive.FileType.mask {
            case LibArchive.FileType.regular: kind = .file
            case LibArchive.FileType.directory: kind = .directory
            case LibArchive.FileType.symlink:
                kind = .symlink(
                    target: Self.string(archive_entry_symlink_utf8(entry)) ?? Self.string(archive_entry_symlink(entry))
                        ?? "")
            case LibArchive.FileType.character: kind = .special("a character device")
            case LibArchive.FileType.block: kind = .special("a block device")
            case LibArchive.FileType.fifo: kind = .special("a FIFO")
            default: kind = .special("a socket or an unknown file type")
            }
        }
        return Header(path: name, kind: kind, mode: mode, size: archive_entry_size(entry))
    }

    /// Hands the current entry's data to `body`, block by block.
    func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try LibArchive.readDataBlocks(
            archive, failure: { OCIImageError.unreadableImage(path: path, problem: Self.message(of: archive)) }
        ) { bytes, _ in try body(bytes) }
    }

    /// Writes the current entry to `destination` (absolute, checked by the caller); a hard link's
    /// `linkTarget` is the absolute path of the file it links to.
    func extractCurrent(to destination: String, linkTarget: String?, name: String) throws {
        guard let entry = current else { return }
        archive_entry_set_pathname_utf8(entry, destination)
        if let linkTarget { archive_entry_set_hardlink_utf8(entry, linkTarget) }
        guard archive_write_header(disk, entry) >= ARCHIVE_WARN else {
            throw OCIImageError.libarchive(
                operation: "archive_write_header", entry: name, message: Self.message(of: disk))
        }
        if archive_entry_size(entry) > 0 {
            try readData { bytes in
                guard archive_write_data(disk, bytes.baseAddress, bytes.count) >= 0 else {
                    throw OCIImageError.libarchive(
                        operation: "archive_write_data", entry: name, message: Self.message(of: disk))
                }
            }
        }
        guard archive_write_finish_entry(disk) >= ARCHIVE_WARN else {
            throw OCIImageError.libarchive(
                operation: "archive_write_finish_entry", entry: name, message: Self.message(of: disk))
        }
    }

    /// Sets the directories' deferred modes and times (libarchive applies them at close, so a
    /// read-only directory can still be filled first).
    func finishDisk() throws {
        guard archive_write_close(disk) >= ARCHIVE_WARN else {
            throw OCIImageError.libarchive(
                operation: "archive_write_close", entry: nil, message: Self.message(of: disk))
        }
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func message(of handle: OpaquePointer) -> String { LibArchive.errorString(handle) }
}
