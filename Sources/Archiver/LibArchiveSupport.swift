import CArchive
import Foundation

/// The small libarchive pieces every archive format here needs, the zip writer and reader in
/// this module and OCIImage's tar stream and reader: the file-type constants, the error text and
/// the UTF-8 locale for entry names. Public so OCIImage uses these instead of its own copies.
public enum LibArchive {
    /// libarchive's `AE_IF*` file types: macros with a cast, which Swift does not import.
    public enum FileType {
        public static let mask: UInt32 = 0o170000
        public static let regular: UInt32 = 0o100000
        public static let directory: UInt32 = 0o040000
        public static let symlink: UInt32 = 0o120000
        public static let character: UInt32 = 0o020000
        public static let block: UInt32 = 0o060000
        public static let fifo: UInt32 = 0o010000
    }

    /// The kinds of entry the zip and tar writers store.
    public enum EntryKind {
        /// A regular file of exactly `size` bytes (libarchive limits the data it accepts to it).
        case file(size: Int64)
        case directory
        case symlink(target: String)
    }

    /// Resets `entry` to a header with only the fields both writers pin down, in this order: the
    /// UTF-8 path, the file type and size (0 but for a file), a symlink's target, the permission
    /// bits, the modification time and uid/gid 0. Nothing else is set (no atime, ctime, uname,
    /// gname, dev or ino), which is what keeps the bytes reproducible (see each stream for why).
    public static func setHeader(
        _ entry: OpaquePointer, path: String, kind: EntryKind, permissions: UInt32, modificationTime: Int64
    ) {
        archive_entry_clear(entry)
        archive_entry_set_pathname_utf8(entry, path)
        switch kind {
        case .file(let size):
            archive_entry_set_filetype(entry, FileType.regular)
            archive_entry_set_size(entry, size)
        case .directory:
            archive_entry_set_filetype(entry, FileType.directory)
            archive_entry_set_size(entry, 0)
        case .symlink(let target):
            archive_entry_set_filetype(entry, FileType.symlink)
            archive_entry_set_symlink_utf8(entry, target)
            archive_entry_set_size(entry, 0)
        }
        archive_entry_set_perm(entry, mode_t(permissions))
        archive_entry_set_mtime(entry, time_t(modificationTime), 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
    }

    /// Calls `archive_write_data` until all of `bytes` is taken. Returns nil when it was, otherwise
    /// libarchive's last result: 0 when the entry accepted no more data, negative on an error (the
    /// caller words it, after taking any error its sink parked).
    public static func writeData(_ handle: OpaquePointer, _ bytes: UnsafeRawBufferPointer) -> Int? {
        guard var base = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let written = archive_write_data(handle, base, remaining)
            guard written > 0 else { return written }
            remaining -= written
            base += written
        }
        return nil
    }

    /// Hands the current entry's data of a read handle to `body`, block by block with each
    /// block's offset in the entry, until `ARCHIVE_EOF`. A status worse than `ARCHIVE_WARN`
    /// throws `failure()`, called right away so it can read the handle's error string.
    public static func readDataBlocks(
        _ archive: OpaquePointer, failure: () -> any Error, _ body: (UnsafeRawBufferPointer, Int64) throws -> Void
    ) throws {
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        while true {
            let status = archive_read_data_block(archive, &buffer, &size, &offset)
            if status == ARCHIVE_EOF { return }
            guard status >= ARCHIVE_WARN else { throw failure() }
            try body(UnsafeRawBufferPointer(start: buffer, count: size), offset)
        }
    }

    /// `archive_error_string` of a handle, or its errno when libarchive set no message.
    public static func errorString(_ handle: OpaquePointer) -> String {
        guard let message = archive_error_string(handle) else { return "no message (errno \(archive_errno(handle)))" }
        return String(cString: message)
    }

    /// Runs `body` with this thread's character type set to UTF-8. libarchive converts entry
    /// names through the current locale, and a Swift program runs in the "C" locale, where a
    /// UTF-8 name such as `é.txt` cannot be converted and comes back empty. `uselocale` changes
    /// this thread only, and `body` does not suspend.
    public static func withUTF8Names<T>(_ body: () throws -> T) rethrows -> T {
        guard let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) else { return try body() }
        let previous = uselocale(utf8)
        defer {
            uselocale(previous)
            freelocale(utf8)
        }
        return try body()
    }
}

/// Where a libarchive write handle's bytes go: `open` installs the C write callback, which hands
/// every block to `accept`. A Swift error cannot cross the C callback, so it is parked here and
/// the callback reports failure; the stream takes it back (`takePendingError`) when libarchive
/// gives up, and throws it instead of libarchive's own less precise message.
///
/// Public because OCIImage's tar stream writes through it as well. The stream that opens a handle
/// keeps its sink alive for as long as the handle (the callback holds it unretained).
public final class LibArchiveWriteSink {
    private let accept: (UnsafeRawBufferPointer) throws -> Void
    private var parkedError: (any Error)?

    public init(_ accept: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.accept = accept
    }

    /// `archive_write_open2` with this sink as the client data; returns libarchive's status.
    public func open(_ archive: OpaquePointer) -> Int32 {
        archive_write_open2(archive, Unmanaged.passUnretained(self).toOpaque(), nil, libArchiveSinkWrite, nil, nil)
    }

    /// The first error parked since the last call, if any.
    public func takePendingError() -> (any Error)? {
        defer { parkedError = nil }
        return parkedError
    }

    fileprivate func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        do {
            try accept(bytes)
            return bytes.count
        } catch {
            if parkedError == nil { parkedError = error }
            return -1
        }
    }
}

/// libarchive's write callback: the client data is a `LibArchiveWriteSink`.
private func libArchiveSinkWrite(
    _ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ buffer: UnsafeRawPointer?, _ length: Int
) -> Int {
    guard let context, let buffer else { return -1 }
    let sink = Unmanaged<LibArchiveWriteSink>.fromOpaque(context).takeUnretainedValue()
    return sink.write(UnsafeRawBufferPointer(start: buffer, count: length))
}
