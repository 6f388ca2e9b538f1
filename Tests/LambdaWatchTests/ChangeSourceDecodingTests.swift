#if os(Linux)
import Foundation
import Glibc
import Testing

@testable import LambdaWatch

/// `InotifySource.events(in:)` on buffers laid out as the kernel writes them, and on one the
/// kernel wrote.
@Suite struct ChangeSourceDecodingTests {
    struct Decoded: Equatable, CustomStringConvertible {
        var watch: Int32
        var mask: UInt32
        var name: String
        var description: String { "(\(watch), \(String(mask, radix: 16)), \"\(name)\")" }
    }

    /// One `struct inotify_event`: watch, mask, cookie and name length, then the name
    /// NUL-padded to `length` bytes (by default the kernel's: a multiple of 16 with room for a NUL).
    static func event(watch: Int32, mask: UInt32, cookie: UInt32 = 0, name: String = "", length: Int? = nil) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        let length = length ?? (nameBytes.isEmpty ? 0 : (nameBytes.count + 16) / 16 * 16)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: watch) { bytes += $0 }
        withUnsafeBytes(of: mask) { bytes += $0 }
        withUnsafeBytes(of: cookie) { bytes += $0 }
        withUnsafeBytes(of: UInt32(length)) { bytes += $0 }
        return bytes + nameBytes.prefix(length) + [UInt8](repeating: 0, count: max(0, length - nameBytes.count))
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> [Decoded] {
        InotifySource.events(in: bytes).map { Decoded(watch: $0.watch, mask: $0.mask, name: $0.name) }
    }

    @Test func theHeaderIsTheKernels() {
        #expect(MemoryLayout<inotify_event>.size == 16)
        #expect(Self.event(watch: 1, mask: 2, name: "a").count == 32)
        #expect(Self.event(watch: 1, mask: 2, name: "fifteen-bytes.x").count == 32)
        #expect(Self.event(watch: 1, mask: 2, name: "sixteen-bytes.xy").count == 48)
    }

    @Test func severalEventsInOneRead() {
        let bytes =
            Self.event(watch: 1, mask: UInt32(IN_CREATE), name: "main.swift")
            + Self.event(watch: 2, mask: UInt32(IN_DELETE | IN_ISDIR), name: "Sub")
            + Self.event(watch: 1, mask: UInt32(IN_MOVED_FROM), cookie: 7, name: "Old.swift")
            + Self.event(watch: 1, mask: UInt32(IN_MOVED_TO), cookie: 7, name: "New.swift")
        #expect(
            Self.decode(bytes[...]) == [
                Decoded(watch: 1, mask: UInt32(IN_CREATE), name: "main.swift"),
                Decoded(watch: 2, mask: UInt32(IN_DELETE | IN_ISDIR), name: "Sub"),
                Decoded(watch: 1, mask: UInt32(IN_MOVED_FROM), name: "Old.swift"),
                Decoded(watch: 1, mask: UInt32(IN_MOVED_TO), name: "New.swift"),
            ])
    }

    /// The padding NULs are not part of the name, however long the padding; a name that fills
    /// its bytes without a NUL is taken whole.
    @Test func namePaddingIsDropped() {
        let bytes =
            Self.event(watch: 3, mask: UInt32(IN_MODIFY), name: "a", length: 64)
            + Self.event(watch: 3, mask: UInt32(IN_MODIFY), name: "fifteen-bytes.x")
            + Self.event(watch: 3, mask: UInt32(IN_MODIFY), name: "exactly16bytes.x", length: 16)
            + Self.event(watch: 4, mask: UInt32(IN_CLOSE_WRITE), name: "é.swift")
        #expect(Self.decode(bytes[...]).map(\.name) == ["a", "fifteen-bytes.x", "exactly16bytes.x", "é.swift"])
        #expect(Self.decode(bytes[...]).map(\.watch) == [3, 3, 3, 4])
    }

    /// An event about the watched directory itself (`IN_ATTRIB`, `IN_DELETE_SELF`, `IN_IGNORED`)
    /// has no name; the event after it still decodes.
    @Test func anEventWithNoName() {
        let bytes =
            Self.event(watch: 5, mask: UInt32(IN_DELETE_SELF))
            + Self.event(watch: 5, mask: UInt32(IN_IGNORED))
            + Self.event(watch: 6, mask: UInt32(IN_CREATE), name: "b.swift")
        #expect(bytes.count == 16 + 16 + 32)
        #expect(
            Self.decode(bytes[...]) == [
                Decoded(watch: 5, mask: UInt32(IN_DELETE_SELF), name: ""),
                Decoded(watch: 5, mask: UInt32(IN_IGNORED), name: ""),
                Decoded(watch: 6, mask: UInt32(IN_CREATE), name: "b.swift"),
            ])
    }

    /// What one `read` returned is a prefix of the source's buffer: offsets count from the slice.
    @Test func aSliceDecodesFromItsOwnStart() {
        let buffer = [UInt8](repeating: 0xAB, count: 5) + Self.event(watch: 9, mask: UInt32(IN_MODIFY), name: "x.swift")
            + [UInt8](repeating: 0, count: 100)
        #expect(Self.decode(buffer[5..<(5 + 32)]) == [Decoded(watch: 9, mask: UInt32(IN_MODIFY), name: "x.swift")])
        #expect(Self.decode(ArraySlice<UInt8>()).isEmpty)
    }

    /// A header cut short is not an event, and a name cut short is what is there (the kernel
    /// never returns either, but a decoder must not read past the buffer).
    @Test func aTruncatedBufferStaysInsideItsBytes() {
        let whole = Self.event(watch: 1, mask: UInt32(IN_CREATE), name: "a.swift")
        #expect(Self.decode((whole + whole.prefix(10))[...]).count == 1)
        #expect(Self.decode(whole.prefix(19)) == [Decoded(watch: 1, mask: UInt32(IN_CREATE), name: "a.s")])
    }

    /// The layout assumed above is the one the kernel writes.
    @Test func aBufferTheKernelWrote() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swift-lambda-decode-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        try #require(descriptor >= 0)
        defer { _ = close(descriptor) }
        let watch = inotify_add_watch(descriptor, directory, UInt32(IN_CREATE | IN_DELETE))
        try #require(watch >= 0)
        try FileManager.default.createDirectory(atPath: directory + "/Sub", withIntermediateDirectories: false)
        let file = open(directory + "/file-with-a-long-name.swift", O_WRONLY | O_CREAT, 0o644)
        try #require(file >= 0)
        _ = close(file)
        try FileManager.default.removeItem(atPath: directory + "/Sub")

        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        try #require(count > 0)
        #expect(
            Self.decode(buffer[..<count]) == [
                Decoded(watch: watch, mask: UInt32(IN_CREATE | IN_ISDIR), name: "Sub"),
                Decoded(watch: watch, mask: UInt32(IN_CREATE), name: "file-with-a-long-name.swift"),
                Decoded(watch: watch, mask: UInt32(IN_DELETE | IN_ISDIR), name: "Sub"),
            ])
    }
}
#endif
