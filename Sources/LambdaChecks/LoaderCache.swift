import Foundation

/// The dynamic loader's cache, `/etc/ld.so.cache` as `ldconfig` writes it:
/// soname to path, in the order the loader prefers them. Read in Swift
/// (no `ldconfig -p`) so resolving a library costs no process and gives the
/// same answer the loader would.
///
/// The format is glibc's `cache_file_new` (elf/cache.c, sysdeps/generic/dl-cache.h):
/// a 48-byte header (`glibc-ld.so.cache` `1.1`, entry count, string-table length,
/// flags, extension offset), then 24-byte entries (flags, key offset, value offset,
/// OS version, hwcaps) whose offsets point into a string table, counted from the
/// start of that header (elf/dl-cache.c: `cache_data = cache_new`). glibc 2.32 and
/// later write only this format; an older file that starts with the `ld.so-1.7.0`
/// table holds the new one after it, aligned to 8 bytes.
public struct LoaderCache: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// In the cache's own order: for one name, the loader takes the first
    /// entry that suits the requesting object.
    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public static let systemPath = "/etc/ld.so.cache"

    /// The cache at `path`, or nil when there is none or it is not in a
    /// format this reader knows (the loader's default directories still apply).
    public static func load(_ path: String = systemPath) -> LoaderCache? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? LoaderCache(bytes: [UInt8](data))
    }

    /// Every path the cache lists for `name`, in order.
    public func paths(for name: String) -> [String] {
        entries.filter { $0.name == name }.map(\.path)
    }

    static let headerSize = 48
    static let entrySize = 24
    static let newMagic = Array("glibc-ld.so.cache1.1".utf8)
    static let oldMagic = Array("ld.so-1.7.0".utf8)

    public init(bytes: [UInt8]) throws {
        var base = 0
        if bytes.starts(with: Self.oldMagic) {
            // The old table: magic (11 bytes, padded to 12), count, 12-byte entries; the new
            // header follows, aligned to 8.
            guard let count = Self.uint32(bytes, at: 12) else { throw LoaderCacheError.truncated }
            base = (16 + Int(count) * 12 + 7) & ~7
            guard bytes.count >= base + Self.headerSize else { throw LoaderCacheError.truncated }
        }
        guard bytes.count >= base + Self.headerSize, Array(bytes[base..<(base + Self.newMagic.count)]) == Self.newMagic,
            let count = Self.uint32(bytes, at: base + 20)
        else { throw LoaderCacheError.unrecognised }
        let entriesStart = base + Self.headerSize
        guard Int(count) <= (bytes.count - entriesStart) / Self.entrySize else { throw LoaderCacheError.truncated }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let offset = entriesStart + index * Self.entrySize
            guard let key = Self.uint32(bytes, at: offset + 4), let value = Self.uint32(bytes, at: offset + 8),
                let name = Self.string(bytes, at: base + Int(key)), let path = Self.string(bytes, at: base + Int(value))
            else { throw LoaderCacheError.truncated }
            entries.append(Entry(name: name, path: path))
        }
        self.entries = entries
    }

    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    private static func string(_ bytes: [UInt8], at offset: Int) -> String? {
        guard offset >= 0, offset < bytes.count, let end = bytes[offset...].firstIndex(of: 0) else { return nil }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}

public enum LoaderCacheError: Error, Sendable, Equatable {
    case unrecognised
    case truncated
}
