import Foundation

/// The machine an ELF file is built for, as Lambda names architectures.
public enum ELFMachine: Sendable, Equatable, CustomStringConvertible {
    case x86_64
    case aarch64
    case other(UInt16)

    init(rawValue: UInt16) {
        switch rawValue {
        case 62: self = .x86_64  // EM_X86_64
        case 183: self = .aarch64  // EM_AARCH64
        default: self = .other(rawValue)
        }
    }

    /// Lambda's name for the architecture (`x86_64`, `arm64`).
    public var description: String {
        switch self {
        case .x86_64: return "x86_64"
        case .aarch64: return "arm64"
        case .other(let value): return "machine \(value)"
        }
    }
}

/// The fields of the ELF file header that decide where a binary can run.
/// Only 64-bit little-endian files are accepted: Lambda runs nothing else.
public struct ELFHeader: Sendable, Equatable {
    public var machine: ELFMachine
    /// `ET_EXEC` (2) or `ET_DYN` (3, position-independent executables).
    public var type: UInt16
    public var sectionHeaderOffset: UInt64
    public var sectionHeaderEntrySize: UInt16
    public var sectionHeaderCount: UInt16
    public var sectionNameTableIndex: UInt16
    public var programHeaderOffset: UInt64
    public var programHeaderEntrySize: UInt16
    public var programHeaderCount: UInt16

    static let size = 64

    /// Parses the header at the start of `bytes`.
    public init(bytes: some RandomAccessCollection<UInt8>) throws {
        let prefix = Array(bytes.prefix(Self.size))
        self = try prefix.withUnsafeBytes { try ELFHeader(reader: ByteReader($0)) }
    }

    /// Parses the header at the start of a file already in memory; `ELFFile`
    /// shares this so both readers reject the same files the same way.
    init(reader: ByteReader) throws {
        guard reader.count >= 4, try reader.u32(at: 0) == 0x464C_457F else {  // "\x7FELF"
            throw ELFError.notELF
        }
        guard reader.count >= 6 else { throw ELFError.truncated(needed: Self.size, available: reader.count) }
        let elfClass = try reader.u8(at: 4)  // EI_CLASS
        switch elfClass {
        case 2: break
        case 1: throw ELFError.unsupportedClass(bits: 32)
        default: throw ELFError.malformed("unknown ELF class \(elfClass)")
        }
        let encoding = try reader.u8(at: 5)  // EI_DATA
        switch encoding {
        case 1: break
        case 2: throw ELFError.bigEndian
        default: throw ELFError.malformed("unknown ELF data encoding \(encoding)")
        }
        guard reader.count >= Self.size else { throw ELFError.truncated(needed: Self.size, available: reader.count) }
        type = try reader.u16(at: 16)
        machine = ELFMachine(rawValue: try reader.u16(at: 18))
        programHeaderOffset = try reader.u64(at: 32)
        sectionHeaderOffset = try reader.u64(at: 40)
        programHeaderEntrySize = try reader.u16(at: 54)
        programHeaderCount = try reader.u16(at: 56)
        sectionHeaderEntrySize = try reader.u16(at: 58)
        sectionHeaderCount = try reader.u16(at: 60)
        sectionNameTableIndex = try reader.u16(at: 62)
    }

    /// Reads just the header of the file at `path`.
    public init(contentsOf path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ELFError.unreadable(path: path) }
        defer { try? handle.close() }
        let data = try? handle.read(upToCount: Self.size)
        try self.init(bytes: [UInt8](data ?? Data()))
    }
}

/// Why a file could not be read as a Lambda-compatible ELF binary.
public enum ELFError: Error, Sendable, Equatable {
    case unreadable(path: String)
    case notELF
    case truncated(needed: Int, available: Int)
    case unsupportedClass(bits: Int)
    case bigEndian
    case malformed(String)
}

extension ELFError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreadable(let path): return "cannot read '\(path)'"
        case .notELF: return "not an ELF file"
        case .truncated(let needed, let available):
            return "truncated ELF file (needs \(needed) bytes, has \(available))"
        case .unsupportedClass(let bits): return "\(bits)-bit ELF files cannot run on Lambda (64-bit only)"
        case .bigEndian: return "big-endian ELF files cannot run on Lambda"
        case .malformed(let detail): return "malformed ELF file: \(detail)"
        }
    }
}
