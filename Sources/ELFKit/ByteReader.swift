/// Bounds-checked little-endian reads: a bad offset is an error, never a trap.
struct ByteReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    func u16(at offset: Int) throws -> UInt16 { UInt16(try unsigned(at: offset, width: 2)) }
    func u32(at offset: Int) throws -> UInt32 { UInt32(try unsigned(at: offset, width: 4)) }
    func u64(at offset: Int) throws -> UInt64 { try unsigned(at: offset, width: 8) }

    private func unsigned(at offset: Int, width: Int) throws -> UInt64 {
        guard offset >= 0, width <= bytes.count, offset <= bytes.count - width else {
            throw ELFError.truncated(needed: offset &+ width, available: bytes.count)
        }
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }
}
