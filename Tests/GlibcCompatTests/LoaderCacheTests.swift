import BuildPlanner
import ELFKit
import Foundation
import Testing

@testable import GlibcCompat
@testable import LambdaChecks

/// The loader cache reader (LambdaChecks, shared with --bundle-libs) and the locator's search order, on small roots
/// made in the test from real libraries of two architectures.
@Suite struct LoaderCacheTests {
    /// A glibc-ld.so.cache1.1 file mapping each soname to a path.
    static func cache(_ entries: [(String, String)], oldPrefix: Bool = false) -> [UInt8] {
        var strings: [UInt8] = []
        var offsets: [(UInt32, UInt32)] = []
        let stringsStart = LoaderCache.headerSize + entries.count * LoaderCache.entrySize
        for (soname, path) in entries {
            let key = UInt32(stringsStart + strings.count)
            strings += Array(soname.utf8) + [0]
            let value = UInt32(stringsStart + strings.count)
            strings += Array(path.utf8) + [0]
            offsets.append((key, value))
        }
        func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }
        var bytes =
            LoaderCache.newMagic + u32(UInt32(entries.count)) + u32(UInt32(strings.count)) + [0, 0, 0, 0] + u32(0)
            + [UInt8](repeating: 0, count: 12)
        for (key, value) in offsets {
            bytes += u32(0x0303) + u32(key) + u32(value) + u32(0) + [UInt8](repeating: 0, count: 8)
        }
        bytes += strings
        if oldPrefix {
            // glibc 2.31's layout: the old table (one entry) first, the new one aligned to 8 after it.
            var old = LoaderCache.oldMagic + [0] + u32(1) + [UInt8](repeating: 0, count: 12)
            while old.count % 8 != 0 { old.append(0) }
            bytes = old + bytes
        }
        return bytes
    }

    @Test func readsEntriesInOrderWithOrWithoutTheOldTable() throws {
        for oldPrefix in [false, true] {
            let cache = try LoaderCache(
                bytes: Self.cache(
                    [("libm.so.6", "/a/libm.so.6"), ("libm.so.6", "/b/libm.so.6"), ("libz.so.1", "/a/libz.so.1")],
                    oldPrefix: oldPrefix))
            #expect(cache.paths(for: "libm.so.6") == ["/a/libm.so.6", "/b/libm.so.6"])
            #expect(cache.paths(for: "libz.so.1") == ["/a/libz.so.1"])
            #expect(cache.paths(for: "libc.so.6") == [])
        }
    }

    @Test func damagedCachesThrowInsteadOfCrashing() throws {
        let good = Self.cache([("libm.so.6", "/a/libm.so.6")])
        var hugeCount = good
        hugeCount[20] = 0xff
        hugeCount[21] = 0xff
        var badOffset = good
        badOffset[LoaderCache.headerSize + 8] = 0xff
        badOffset[LoaderCache.headerSize + 9] = 0xff
        var unterminated = good
        unterminated.removeLast()
        for bytes in [
            Array(good.prefix(30)), Array("not a cache at all, but long enough to hold a header....".utf8), hugeCount,
            badOffset, unterminated, [],
        ] {
            #expect(throws: LoaderCacheError.self) { try LoaderCache(bytes: bytes) }
        }
        // Every truncation of a valid cache either parses or throws.
        for length in 0..<good.count {
            _ = try? LoaderCache(bytes: Array(good.prefix(length)))
        }
    }

    /// A root holding an x86_64 and an aarch64 library under one soname, and one found only through the cache.
    @Test func theLocatorPrefersTheCacheAndFiltersByMachine() throws {
        let x86 = try #require(
            LibraryLocator(architecture: .x86_64).locate("libm.so.6")
                ?? LibraryLocator(root: "/usr/x86_64-linux-gnu", architecture: .x86_64).locate("libm.so.6"))
        let arm = try #require(
            LibraryLocator(root: "/usr/aarch64-linux-gnu", architecture: .aarch64).locate("libm.so.6")
                ?? LibraryLocator(architecture: .aarch64).locate("libm.so.6"))
        let root = try TestProcess.temporaryDirectory("root")
        let fileManager = FileManager.default
        for directory in ["lib", "usr/lib", "opt/cached", "etc"] {
            try fileManager.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true)
        }
        try fileManager.createSymbolicLink(atPath: "\(root)/lib/libfixture.so.1", withDestinationPath: x86)
        try fileManager.createSymbolicLink(atPath: "\(root)/usr/lib/libfixture.so.1", withDestinationPath: arm)
        try fileManager.createSymbolicLink(atPath: "\(root)/opt/cached/libcached.so.1", withDestinationPath: arm)
        #expect(
            LibraryLocator(root: root, architecture: .x86_64).locate("libfixture.so.1") == "\(root)/lib/libfixture.so.1"
        )
        #expect(
            LibraryLocator(root: root, architecture: .aarch64).locate("libfixture.so.1")
                == "\(root)/usr/lib/libfixture.so.1")
        #expect(LibraryLocator(root: root, architecture: .aarch64).locate("libcached.so.1") == nil)

        try Data(Self.cache([("libcached.so.1", "/opt/cached/libcached.so.1")])).write(
            to: URL(fileURLWithPath: "\(root)/etc/ld.so.cache"))
        #expect(
            LibraryLocator(root: root, architecture: .aarch64).locate("libcached.so.1")
                == "\(root)/opt/cached/libcached.so.1")
        #expect(LibraryLocator(root: root, architecture: .x86_64).locate("libcached.so.1") == nil)
        // A damaged cache is skipped: the default directories still answer.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: "\(root)/etc/ld.so.cache"))
        #expect(
            LibraryLocator(root: root, architecture: .x86_64).locate("libfixture.so.1") == "\(root)/lib/libfixture.so.1"
        )
    }
}
