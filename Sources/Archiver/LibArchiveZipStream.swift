import CArchive
import Foundation

/// The only place that touches libarchive: a zip being written, entry by entry, into an
/// `AtomicOutputFile` (through a `LibArchiveWriteSink`). Every libarchive status other than `ARCHIVE_OK` becomes an
/// `ArchiverError.libarchive` carrying the operation and `archive_error_string` (or the output's own
/// error when the failure came from writing the bytes out).
///
/// What libarchive 3.6.2's zip writer emits, and what this type pins down so that no byte depends on
/// the machine, the run or the input files' metadata:
/// - local and central headers: "version made by" Unix (3), `external_attr` = `st_mode << 16` (so
///   the file type and permission bits set here are what `unzip` restores), general purpose bit 3 (a
///   data descriptor follows each regular file, because the CRC is known only afterwards) and bit 11
///   (UTF-8 name) for non-ASCII names, which the `hdrcharset=UTF-8` option enables;
/// - the MS-DOS date/time, computed by libarchive with `localtime()`: it depends on the writer's time
///   zone, so `ZipDOSTimestamp` rewrites it afterwards from `modificationTime` in UTC;
/// - extra field `UT` (0x5455, extended timestamp): only the times that are set on the entry; this
///   type sets the modification time only (no atime, ctime or birthtime), in both headers;
/// - extra field `ux` (0x7875, Info-ZIP Unix uid/gid, 4 bytes each): always written; uid/gid are 0;
/// - extra field zip64 (0x0001), measured with 3.6.2: in a local header (with version needed 4.5
///   and a 24-byte data descriptor) only when the size declared here is over 4 GiB, which is why
///   the size is always set (without one libarchive uses zip64 for every file); in the central
///   directory only for the values that really exceed 4 GiB (size, compressed size, header
///   offset); zip64 end-of-central-directory record and locator only when the central directory
///   starts past 4 GiB or there are more than 65535 entries. Archives of a 4.4 GB entry and of
///   4.4 GB in total were read back without error by unzip, bsdtar and Python. Small archives get
///   no zip64 at all. One corner is left to libarchive: a deflated entry declared just under
///   4 GiB whose compressed form grows past 4 GiB gets a 32-bit data descriptor (the central
///   directory is still right); Lambda's 250 MB unzipped limit keeps deployments far from it.
/// No uname/gname, comments or random data (no encryption) are written.
final class LibArchiveZipStream {
    private let archive: OpaquePointer
    private let entry: OpaquePointer
    private let output: AtomicOutputFile
    private let sink: LibArchiveWriteSink
    private var closed = false

    /// Where each entry's local file header starts, in the order written.
    private(set) var localHeaderOffsets: [Int64] = []
    /// Where the central directory starts (known once `close()` has run).
    private(set) var centralDirectoryOffset: Int64 = 0

    init(output: AtomicOutputFile, compressionLevel: Int) throws {
        guard let archive = archive_write_new() else {
            throw ArchiverError.libarchive(operation: "archive_write_new", entry: nil, message: "out of memory")
        }
        guard let entry = archive_entry_new() else {
            archive_write_free(archive)
            throw ArchiverError.libarchive(operation: "archive_entry_new", entry: nil, message: "out of memory")
        }
        self.archive = archive
        self.entry = entry
        self.output = output
        sink = LibArchiveWriteSink { try output.append($0) }

        try check(archive_write_set_format_zip(archive), "archive_write_set_format_zip")
        if compressionLevel == 0 {
            try setOption("compression", "store")
        } else {
            try setOption("compression", "deflate")
            try setOption("compression-level", String(compressionLevel))
        }
        // Store names as UTF-8 and flag them so (general purpose bit 11), whatever the locale.
        try setOption("hdrcharset", "UTF-8")
        // Hand every byte straight to the output: no 10240-byte blocking and no zero padding of the
        // last block, and offsets counted by the output are exact.
        try check(archive_write_set_bytes_per_block(archive, 0), "archive_write_set_bytes_per_block")
        try check(archive_write_set_bytes_in_last_block(archive, 1), "archive_write_set_bytes_in_last_block")
        try check(sink.open(archive), "archive_write_open2")
    }

    deinit {
        // After a failure, make sure freeing the handle does not write a central directory.
        if !closed { archive_write_fail(archive) }
        archive_write_free(archive)
        archive_entry_free(entry)
    }

    /// Starts an entry. `size` is the exact number of bytes that will follow for a file (0 otherwise);
    /// libarchive uses it to decide on zip64 and to limit the data it accepts.
    func beginEntry(_ item: ArchiveEntry, size: Int64, modificationTime: Int64) throws {
        let kind: LibArchive.EntryKind
        switch item.kind {
        case .file: kind = .file(size: size)
        case .directory: kind = .directory
        case .symlink(let target): kind = .symlink(target: target)
        }
        LibArchive.setHeader(
            entry, path: item.storedName, kind: kind, permissions: item.permissions,
            modificationTime: modificationTime)

        localHeaderOffsets.append(output.position)
        try check(archive_write_header(archive, entry), "archive_write_header", entry: item.storedName)
    }

    /// Appends the next bytes of the current file entry.
    func write(_ bytes: UnsafeRawBufferPointer, entry name: String) throws {
        guard let written = LibArchive.writeData(archive, bytes) else { return }
        if let failure = sink.takePendingError() { throw failure }
        throw ArchiverError.libarchive(
            operation: "archive_write_data", entry: name,
            message: written == 0 ? "the entry accepted no more data" : errorString())
    }

    /// Ends the current entry: flushes the deflate stream and writes the data descriptor.
    func finishEntry(_ name: String) throws {
        try check(archive_write_finish_entry(archive), "archive_write_finish_entry", entry: name)
    }

    /// Writes the central directory and the end records, then flushes the output.
    func close() throws {
        centralDirectoryOffset = output.position
        try check(archive_write_close(archive), "archive_write_close")
        closed = true
        try output.flush()
    }

    private func setOption(_ key: String, _ value: String) throws {
        let status = archive_write_set_format_option(archive, "zip", key, value)
        guard status == ARCHIVE_OK else {
            let message = status == ARCHIVE_WARN ? "this libarchive does not know the option" : errorString()
            throw ArchiverError.libarchive(
                operation: "archive_write_set_format_option zip:\(key)=\(value)", entry: nil, message: message)
        }
    }

    private func check(_ status: Int32, _ operation: String, entry name: String? = nil) throws {
        guard status != ARCHIVE_OK else { return }
        if let failure = sink.takePendingError() { throw failure }
        throw ArchiverError.libarchive(operation: operation, entry: name, message: errorString())
    }

    private func errorString() -> String { LibArchive.errorString(archive) }
}
