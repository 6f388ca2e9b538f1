/// Bounds-checked little-endian reads: a bad offset is an error, never a trap.
///
/// The reader borrows the bytes instead of copying them, so a 60 MB binary
/// mapped by `Data(contentsOf:options:.alwaysMapped)` is parsed in place and
/// only the pages holding the headers and dynamic tables are ever touched.
/// It must not outlive the `withUnsafeBytes` call that produced it; the
/// parser only returns Swift values (strings, arrays) built from it.
///
/// A reader can be narrowed to one table (`region(offset:size:name:)`):
/// reads are then checked against that table, so a corrupt entry cannot
/// wander into unrelated bytes, and errors name the table.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    /// The file offset of `buffer`'s first byte, for error messages.
    let base: Int
    /// The table this reader is limited to; `nil` for the whole file.
    let name: String?

    init(_ buffer: UnsafeRawBufferPointer, base: Int = 0, name: String? = nil) {
        self.buffer = buffer
        self.base = base
        self.name = name
    }

    var count: Int { buffer.count }

    func u8(at offset: Int) throws -> UInt8 {
        try check(offset, width: 1)
        return buffer[offset]
    }

    func u16(at offset: Int) throws -> UInt16 {
        try check(offset, width: 2)
        return UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    func u32(at offset: Int) throws -> UInt32 {
        try check(offset, width: 4)
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func u64(at offset: Int) throws -> UInt64 {
        try check(offset, width: 8)
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A reader over `size` bytes at `offset`, both taken straight from the
    /// file (hence `UInt64`), so every untrusted size passes one check here.
    func region(offset: UInt64, size: UInt64, name: String) throws -> ByteReader {
        guard let start = Int(exactly: offset), let length = Int(exactly: size),
            start <= count, length <= count - start
        else {
            // An end beyond any possible file is garbage, not a cut-short file.
            let end = offset.addingReportingOverflow(size)
            if self.name == nil, !end.overflow, let needed = Int(exactly: end.partialValue) {
                throw ELFError.truncated(needed: needed, available: count)
            }
            throw ELFError.malformed("\(name) (\(size) bytes at offset \(offset)) lies outside \(describe)")
        }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)])
        return ByteReader(slice, base: base &+ start, name: name)
    }

    /// The NUL-terminated string at `offset`, as string tables store names.
    /// The terminator must lie inside this reader, so a corrupt offset cannot
    /// read past the table; invalid UTF-8 is repaired rather than rejected
    /// because names are only ever displayed and compared.
    func cString(at offset: Int) throws -> String {
        guard offset >= 0, offset < count else {
            throw ELFError.malformed("string offset \(offset) is outside \(describe) of \(count) bytes")
        }
        guard let end = buffer[offset...].firstIndex(of: 0) else {
            throw ELFError.malformed("string at offset \(offset) in \(describe) has no terminator")
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<end]), as: UTF8.self)
    }

    private var describe: String { name ?? "the file" }

    private func check(_ offset: Int, width: Int) throws {
        guard offset >= 0, width <= count, offset <= count - width else {
            let end = offset.addingReportingOverflow(width)
            if name == nil {
                throw ELFError.truncated(needed: end.overflow ? Int.max : end.partialValue, available: count)
            }
            throw ELFError.malformed(
                "read of \(width) bytes at offset \(offset) runs past the end of \(describe)"
                    + " (\(count) bytes at file offset \(base))")
        }
    }
}

/// Offset arithmetic on untrusted values: an overflow is a malformed file.
enum Checked {
    static func add(_ lhs: Int, _ rhs: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        guard !overflow else { throw ELFError.malformed("\(what()) overflows") }
        return sum
    }

    static func multiply(_ lhs: Int, _ rhs: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        guard !overflow else { throw ELFError.malformed("\(what()) overflows") }
        return product
    }

    static func int(_ value: UInt64, _ what: @autoclosure () -> String) throws -> Int {
        guard let result = Int(exactly: value) else { throw ELFError.malformed("\(what()) \(value) is too large") }
        return result
    }
}
