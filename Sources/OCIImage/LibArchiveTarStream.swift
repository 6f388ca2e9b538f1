import Archiver
import CArchive
import Foundation
import LambdaSupport

/// The only place that writes through libarchive: a tar (restricted pax) written entry by entry,
/// either straight into an `AtomicOutputFile` (image.tar) or through gzip (a layer). Every status other than
/// `ARCHIVE_OK` becomes an `OCIImageError.libarchive` with `archive_error_string`.
///
/// A layer needs two digests: `diffID` of the tar and `digest` of the gzip'd blob. libarchive's
/// write callback only sees the filtered bytes, so a layer is two handles: the tar writes into a
/// `TarSink`, which hashes and counts the uncompressed bytes and hands them to a second handle in
/// libarchive's `raw` format (one entry, bytes passed through) with the gzip filter, which writes
/// into the file. No temporary uncompressed tar, no second pass.
///
/// What this pins down, measured with libarchive 3.6.2 (`LayerWriterTests`, `ImageInteropTests`):
/// - format `pax_restricted`: an entry whose name and link fit the ustar header (100 + 155 bytes
///   of ASCII) is a plain ustar header, with no extended header; one that does not get a `path`
///   (or `linkpath`) record and nothing else, because atime and ctime are never set on the entry
///   (ustar has no field for them, and set, libarchive adds them to any extended header) and
///   dev/ino/nlink are never set either. mtime is always set (unset, libarchive writes a pax mtime);
/// - uid/gid 0, no uname/gname (the fields are empty), the mode as given;
/// - the extended header's own name is `dir/PaxHeader/name`, without a process id;
/// - no blocking: headers and data go out as written and the archive ends with the two 512-byte
///   zero records, not padded to 10240 bytes (as Go's archive/tar writes it);
/// - gzip: `!timestamp` writes MTIME 0 (by default libarchive stores the current time), libarchive
///   3.6 writes no file name (FLG 0), XFL 0 and OS 3; a fixed level. The deflate bytes are zlib's,
///   so they are the same for a given zlib version.
final class LibArchiveTarStream {
    private let tar: OpaquePointer
    private let entry: OpaquePointer
    private let compressor: OpaquePointer?
    private let sink: TarSink
    /// The tar handle's sink (into `sink`) and the file's (from the compressor, or from the tar).
    private let tarOutput: LibArchiveWriteSink
    private let fileOutput: LibArchiveWriteSink
    private var closed = false

    /// - Parameter gzipLevel: nil writes the tar uncompressed; 1...9 gzips it at that level.
    init(output: AtomicOutputFile, gzipLevel: Int?) throws {
        let tar = archive_write_new()
        let entry = archive_entry_new()
        let compressor = gzipLevel == nil ? nil : archive_write_new()
        guard let tar, let entry, gzipLevel == nil || compressor != nil else {
            tar.map { _ = archive_write_free($0) }
            entry.map { archive_entry_free($0) }
            compressor.map { _ = archive_write_free($0) }
            throw OCIImageError.libarchive(operation: "archive_write_new", entry: nil, message: "out of memory")
        }
        self.tar = tar
        self.entry = entry
        self.compressor = compressor
        let fileOutput = LibArchiveWriteSink { try output.append($0) }
        let sink = TarSink(file: output, compressor: compressor, compressorOutput: fileOutput)
        self.fileOutput = fileOutput
        self.sink = sink
        tarOutput = LibArchiveWriteSink { try sink.accept($0) }

        if let compressor, let gzipLevel {
            try check(archive_write_add_filter_gzip(compressor), "archive_write_add_filter_gzip", handle: compressor)
            try filterOption(compressor, "compression-level", String(gzipLevel))
            try filterOption(compressor, "timestamp", nil)
            try check(archive_write_set_format_raw(compressor), "archive_write_set_format_raw", handle: compressor)
            try unblocked(compressor)
            try check(fileOutput.open(compressor), "archive_write_open2", handle: compressor)
            // The raw format's one entry: a regular file whose data is the tar.
            archive_entry_set_pathname(entry, "layer.tar")
            archive_entry_set_filetype(entry, LibArchive.FileType.regular)
            try check(archive_write_header(compressor, entry), "archive_write_header", handle: compressor)
        }
        try check(archive_write_set_format_pax_restricted(tar), "archive_write_set_format_pax_restricted", handle: tar)
        try unblocked(tar)
        // Uncompressed, the tar's bytes still pass through `sink` (hashed, counted) to the file.
        try check(tarOutput.open(tar), "archive_write_open2", handle: tar)
    }

    deinit {
        if !closed {
            archive_write_fail(tar)
            if let compressor { archive_write_fail(compressor) }
        }
        archive_write_free(tar)
        if let compressor { archive_write_free(compressor) }
        archive_entry_free(entry)
    }

    typealias Kind = LibArchive.EntryKind

    /// Starts an entry; a file's `size` is exactly the number of bytes `write` will be given.
    func beginEntry(_ path: String, kind: Kind, mode: UInt32, modificationTime: Int64) throws {
        LibArchive.setHeader(entry, path: path, kind: kind, permissions: mode, modificationTime: modificationTime)
        try check(archive_write_header(tar, entry), "archive_write_header", handle: tar, entry: path)
    }

    /// Appends the next bytes of the current file entry.
    func write(_ bytes: UnsafeRawBufferPointer, entry name: String) throws {
        guard let written = LibArchive.writeData(tar, bytes) else { return }
        if let failure = tarOutput.takePendingError() { throw failure }
        throw OCIImageError.libarchive(
            operation: "archive_write_data", entry: name,
            message: written == 0 ? "the entry accepted no more data" : Self.message(of: tar))
    }

    func finishEntry(_ name: String) throws {
        try check(archive_write_finish_entry(tar), "archive_write_finish_entry", handle: tar, entry: name)
    }

    /// Ends the tar (and the gzip stream); returns the digest and size of the uncompressed tar.
    func close() throws -> (diffID: Digest, size: Int64) {
        try check(archive_write_close(tar), "archive_write_close", handle: tar)
        if let compressor {
            try check(archive_write_finish_entry(compressor), "archive_write_finish_entry", handle: compressor)
            try check(archive_write_close(compressor), "archive_write_close", handle: compressor)
        }
        closed = true
        return (Digest(sha256: sink.hasher.finalize()), sink.size)
    }

    private func unblocked(_ handle: OpaquePointer) throws {
        try check(archive_write_set_bytes_per_block(handle, 0), "archive_write_set_bytes_per_block", handle: handle)
        try check(
            archive_write_set_bytes_in_last_block(handle, 1), "archive_write_set_bytes_in_last_block", handle: handle)
    }

    /// `value` nil is libarchive's `!key`: the option turned off.
    private func filterOption(_ handle: OpaquePointer, _ key: String, _ value: String?) throws {
        let status = archive_write_set_filter_option(handle, "gzip", key, value)
        guard status == ARCHIVE_OK else {
            let message = status == ARCHIVE_WARN ? "this libarchive does not know the option" : Self.message(of: handle)
            throw OCIImageError.libarchive(
                operation:
                    "archive_write_set_filter_option gzip:\(value == nil ? "!" : "")\(key)\(value.map { "=" + $0 } ?? "")",
                entry: nil, message: message)
        }
    }

    private func check(_ status: Int32, _ operation: String, handle: OpaquePointer, entry name: String? = nil) throws {
        guard status != ARCHIVE_OK else { return }
        if let failure = tarOutput.takePendingError() ?? fileOutput.takePendingError() { throw failure }
        throw OCIImageError.libarchive(operation: operation, entry: name, message: Self.message(of: handle))
    }

    static func message(of handle: OpaquePointer) -> String { LibArchive.errorString(handle) }
}

/// Where the tar's bytes go: hashed and counted (the diffID and uncompressed size), then either
/// into the compressor's one raw entry or straight into the file.
final class TarSink {
    let hasher = SHA256Hasher()
    var size: Int64 = 0
    let file: AtomicOutputFile
    let compressor: OpaquePointer?
    /// The compressor's sink, which holds an error from writing the file behind it.
    let compressorOutput: LibArchiveWriteSink

    init(file: AtomicOutputFile, compressor: OpaquePointer?, compressorOutput: LibArchiveWriteSink) {
        self.file = file
        self.compressor = compressor
        self.compressorOutput = compressorOutput
    }

    func accept(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
        guard let compressor else { return try file.append(bytes) }
        guard LibArchive.writeData(compressor, bytes) != nil else { return }
        if let failure = compressorOutput.takePendingError() { throw failure }
        throw OCIImageError.libarchive(
            operation: "archive_write_data (gzip)", entry: nil, message: LibArchiveTarStream.message(of: compressor))
    }
}
