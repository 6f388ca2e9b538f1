import Foundation

/// libarchive 3.6.2 fills the MS-DOS date/time of every header with `localtime()` of the entry's
/// modification time, so the same inputs give different bytes in different time zones (and the call
/// is not thread-safe). After libarchive has finished, the fields are rewritten with the time in
/// UTC, the convention of other reproducible zip writers. Only header fields change: the CRCs cover
/// file data, so the archive stays valid. Readers that know the `UT` extra field (unzip, zipinfo,
/// bsdtar) take the exact time from it anyway.
enum ZipDOSTimestamp {
    /// The 4 little-endian bytes (time, then date) for `seconds` in UTC, clamped as libarchive does to
    /// 1980-01-01 00:00:00 ... 2107-12-31 23:59:58; seconds are stored halved, as the format wants.
    static func fields(for seconds: Int64) -> [UInt8] {
        var time = time_t(seconds)
        var parts = tm()
        let value: UInt32
        if gmtime_r(&time, &parts) == nil || parts.tm_year < 80 {
            value = 0x0021_0000
        } else if parts.tm_year > 207 {
            value = 0xff9f_bf7d
        } else {
            let date = UInt32(parts.tm_year - 80) << 9 | UInt32(parts.tm_mon + 1) << 5 | UInt32(parts.tm_mday)
            let clock = UInt32(parts.tm_hour) << 11 | UInt32(parts.tm_min) << 5 | UInt32(parts.tm_sec / 2)
            value = date << 16 | clock
        }
        return [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
    }

    /// Rewrites the date/time of every local header (at the offsets the stream recorded) and of every
    /// central directory header, checking signatures and offsets on the way so a change in libarchive's
    /// layout is reported instead of corrupting the archive.
    static func rewrite(
        in output: AtomicOutputFile, localHeaderOffsets: [Int64], centralDirectoryOffset: Int64, modificationTime: Int64
    ) throws {
        let stamp = fields(for: modificationTime)
        for offset in localHeaderOffsets {
            guard try output.read(at: offset, count: 4) == [0x50, 0x4b, 0x03, 0x04] else {
                throw ArchiverError.unexpectedZipLayout("no local file header at offset \(offset)")
            }
            try output.overwrite(stamp, at: offset + 10)
        }

        var offset = centralDirectoryOffset
        for localOffset in localHeaderOffsets {
            let header = try output.read(at: offset, count: 46)
            guard header.starts(with: [0x50, 0x4b, 0x01, 0x02]) else {
                throw ArchiverError.unexpectedZipLayout("no central directory header at offset \(offset)")
            }
            let recorded = Int64(littleEndian32(header, at: 42))
            guard recorded == min(localOffset, 0xffff_ffff) else {
                throw ArchiverError.unexpectedZipLayout(
                    "central directory entry at \(offset) points to \(recorded), expected \(localOffset)")
            }
            try output.overwrite(stamp, at: offset + 12)
            let variable =
                littleEndian16(header, at: 28) + littleEndian16(header, at: 30) + littleEndian16(header, at: 32)
            offset += 46 + Int64(variable)
        }

        let end = try output.read(at: offset, count: 4)
        guard end == [0x50, 0x4b, 0x05, 0x06] || end == [0x50, 0x4b, 0x06, 0x06] else {
            throw ArchiverError.unexpectedZipLayout("no end of central directory record at offset \(offset)")
        }
    }

    private static func littleEndian16(_ bytes: [UInt8], at index: Int) -> Int {
        Int(bytes[index]) | Int(bytes[index + 1]) << 8
    }

    private static func littleEndian32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
            | UInt32(bytes[index + 3]) << 24
    }
}
