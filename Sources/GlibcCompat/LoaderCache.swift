import Foundation

/// The dynamic loader's cache, `/etc/ld.so.cache` as `ldconfig` writes it:
/// which file the loader opens for a soname before it searches the default
/// directories.
///
/// Only the format glibc has written since 2.32 ("glibc-ld.so.cache1.1",
/// possibly after the old "ld.so-1.7.0" table that glibc 2.31 and older
/// wrote in front of it) is read; layout from glibc's `sysdeps/generic/dl-cache.h`:
///
///     header (48 bytes): magic "glibc-ld.so.cache" "1.1", nlibs u32, len_strings u32,
///                        flags u8, 3 padding, extension_offset u32, 3 x u32 unused
///     entries (24 bytes each): flags i32, key u32, value u32, osversion u32, hwcap u64
///
/// `key` (the soname) and `value` (the path) are offsets from the start of
/// the new-format header. Every offset is checked: a damaged cache yields an
/// error, never a crash, and callers fall back to the default directories.
struct LoaderCache {
    struct Entry: Equatable {
        var soname: String
        var path: String
    }

    /// Entries in file order, which is the order the loader prefers them in.
    let entries: [Entry]

    static let newMagic = Array("glibc-ld.so.cache1.1".utf8)
    static let oldMagic = Array("ld.so-1.7.0".utf8)
    static let headerSize = 48
    static let entrySize = 24

    init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompatError.loaderCacheUnreadable(path: path, reason: "cannot read it")
        }
        try self.init(bytes: Array(data), path: path)
    }

    init(bytes: [UInt8], path: String) throws {
        func fail(_ reason: String) -> CompatError { .loaderCacheUnreadable(path: path, reason: reason) }
        func u32(_ offset: Int) throws -> Int {
            guard offset >= 0, offset + 4 <= bytes.count else { throw fail("an offset runs past the end") }
            return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(
                bytes[offset + 3]) << 24
        }
        func string(_ offset: Int) throws -> String {
            guard offset >= 0, offset < bytes.count, let end = bytes[offset...].firstIndex(of: 0) else {
                throw fail("a name runs past the end")
            }
            return String(decoding: bytes[offset..<end], as: UTF8.self)
        }

        var start = 0
        if bytes.starts(with: Self.oldMagic) {
            // Old table: magic padded to 12 bytes, nlibs u32, 12-byte entries; the new
            // header follows, aligned to 8.
            let count = try u32(12)
            guard count <= bytes.count / 12 else { throw fail("the old table claims \(count) entries") }
            start = (16 + count * 12 + 7) & ~7
        }
        guard bytes.count >= start + Self.headerSize,
            bytes[start..<(start + Self.newMagic.count)].elementsEqual(Self.newMagic)
        else {
            throw fail("not a glibc-ld.so.cache1.1 file")
        }
        let count = try u32(start + 20)
        guard count <= (bytes.count - start - Self.headerSize) / Self.entrySize else {
            throw fail("it claims \(count) entries")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            let entry = start + Self.headerSize + index * Self.entrySize
            let soname = try string(start + (try u32(entry + 4)))
            let library = try string(start + (try u32(entry + 8)))
            entries.append(Entry(soname: soname, path: library))
        }
        self.entries = entries
    }

    /// The paths recorded for `soname`, in the loader's order of preference.
    func paths(for soname: String) -> [String] {
        entries.filter { $0.soname == soname }.map(\.path)
    }
}
