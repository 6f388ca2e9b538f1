/// A library a binary needs versioned symbols from (one `.gnu.version_r`
/// entry), e.g. `libc.so.6` needing `GLIBC_2.34`: the loader refuses to
/// start the binary if the library on the machine lacks any of them.
public struct VersionNeed: Sendable, Equatable {
    /// The library's SONAME as the linker saw it (`vn_file`), e.g. `libc.so.6`.
    public let library: String
    /// The versions needed from it, in file order.
    public let versions: [NeededVersion]

    public init(library: String, versions: [NeededVersion]) {
        self.library = library
        self.versions = versions
    }
}

/// One version a library must provide (a `.gnu.version_r` auxiliary entry)
/// and the dynamic symbols bound to it, so a report can say *why* a binary
/// needs, say, `GLIBC_2.34` (`__libc_start_main`).
public struct NeededVersion: Sendable, Equatable {
    public let name: String
    /// Dynamic symbols whose `.gnu.version` entry is this version, in symbol
    /// table order. Usually undefined references; a copy-relocated variable
    /// (`stderr@GLIBC_2.2.5` in an executable) is defined in the binary yet
    /// still bound to the library's version, so it is listed too, as
    /// `readelf` does.
    public let symbols: [String]

    public init(name: String, symbols: [String]) {
        self.name = name
        self.symbols = symbols
    }
}

/// What a symbol names (`STT_*`).
public enum SymbolType: Sendable, Equatable, Hashable {
    case noType, object, function, section, file, common, threadLocal
    /// `STT_GNU_IFUNC`: a function whose implementation is picked at load time.
    case indirectFunction
    case other(UInt8)

    init(rawValue: UInt8) {
        switch rawValue {
        case 0: self = .noType
        case 1: self = .object
        case 2: self = .function
        case 3: self = .section
        case 4: self = .file
        case 5: self = .common
        case 6: self = .threadLocal
        case 10: self = .indirectFunction
        default: self = .other(rawValue)
        }
    }
}

/// How a symbol binds (`STB_*`): a weak undefined reference may stay
/// unresolved, a global one may not.
public enum SymbolBinding: Sendable, Equatable, Hashable {
    case local, global, weak
    /// `STB_GNU_UNIQUE`: one definition process-wide (C++ inline statics).
    case unique
    case other(UInt8)

    init(rawValue: UInt8) {
        switch rawValue {
        case 0: self = .local
        case 1: self = .global
        case 2: self = .weak
        case 10: self = .unique
        default: self = .other(rawValue)
        }
    }
}

/// One `.dynsym` entry with its GNU version, as the loader resolves it.
public struct DynamicSymbol: Sendable, Equatable {
    public let name: String
    /// Defined in this file (`st_shndx` is not `SHN_UNDEF`); otherwise a
    /// reference some needed library must satisfy.
    public let isDefined: Bool
    public let type: SymbolType
    public let binding: SymbolBinding
    public let value: UInt64
    public let size: UInt64
    /// The version name (`GLIBC_2.35`), from `.gnu.version_d` for a version
    /// this file defines or `.gnu.version_r` for one it needs; `nil` for
    /// unversioned symbols.
    public let version: String?
    /// `true` for `name@@VERSION`: the version new links bind to. A library
    /// keeps older, hidden (`name@VERSION`, versym bit 15) definitions for
    /// binaries linked against it earlier. Always `false` for needed versions.
    public let isDefaultVersion: Bool

    public init(
        name: String, isDefined: Bool, type: SymbolType, binding: SymbolBinding,
        value: UInt64 = 0, size: UInt64 = 0, version: String?, isDefaultVersion: Bool
    ) {
        self.name = name
        self.isDefined = isDefined
        self.type = type
        self.binding = binding
        self.value = value
        self.size = size
        self.version = version
        self.isDefaultVersion = isDefaultVersion
    }

    public var isFunction: Bool { type == .function || type == .indirectFunction }
}

/// The raw `.dynsym` table, found by section or, without section headers,
/// by `DT_SYMTAB` with the count recovered from the hash tables.
struct DynamicSymbolTable {
    static let entrySize = 24  // sizeof(Elf64_Sym)

    let table: ByteReader?
    let strings: ByteReader?

    var count: Int { (table?.count ?? 0) / Self.entrySize }

    init(layout: ELFLayout, dynamic: DynamicSection) throws {
        if let section = layout.section(ofType: SectionHeader.dynamicSymbols) {
            table = try layout.contents(of: section, name: ".dynsym")
            strings = try layout.contents(of: try layout.linkedSection(section, name: ".dynsym"), name: ".dynstr")
            return
        }
        guard let address = dynamic.first(DynamicSection.Tag.symbolTable), let count = try Self.count(layout, dynamic)
        else {
            table = nil
            strings = nil
            return
        }
        let size = try Checked.multiply(count, Self.entrySize, "the dynamic symbol table size")
        let segment = try layout.contents(atAddress: address, name: ".dynsym")
        table = try segment.region(offset: 0, size: UInt64(size), name: ".dynsym")
        strings = dynamic.strings
    }

    /// `.dynsym` entry `index` (without versions): name, info, section.
    func symbol(at index: Int) throws -> (name: String, info: UInt8, section: UInt16, value: UInt64, size: UInt64) {
        guard let table else { throw ELFError.malformed("no dynamic symbol table") }
        let at = try Checked.multiply(index, Self.entrySize, "a symbol offset")
        let nameOffset = Int(try table.u32(at: at))
        let name: String
        if nameOffset == 0 {
            name = ""
        } else if let strings {
            name = try strings.cString(at: nameOffset)
        } else {
            throw ELFError.malformed("the dynamic symbols have no string table")
        }
        return (
            name, try table.u8(at: at + 4), try table.u16(at: at + 6), try table.u64(at: at + 8),
            try table.u64(at: at + 16)
        )
    }

    /// The number of dynamic symbols when only the dynamic section says where
    /// they are: `DT_HASH` stores it (`nchain`); `DT_GNU_HASH` needs a walk to
    /// the end of the longest bucket's chain. `nil` when neither exists.
    private static func count(_ layout: ELFLayout, _ dynamic: DynamicSection) throws -> Int? {
        if let address = dynamic.first(DynamicSection.Tag.hash) {
            let table = try layout.contents(atAddress: address, name: "the symbol hash table")
            return Int(try table.u32(at: 4))
        }
        guard let address = dynamic.first(DynamicSection.Tag.gnuHash) else { return nil }
        let table = try layout.contents(atAddress: address, name: "the GNU symbol hash table")
        let bucketCount = Int(try table.u32(at: 0))
        let symbolOffset = Int(try table.u32(at: 4))
        let bloomWords = Int(try table.u32(at: 8))
        let bucketsStart = try Checked.add(16, try Checked.multiply(bloomWords, 8, "the bloom filter"), "buckets")
        let chainsStart = try Checked.add(
            bucketsStart, try Checked.multiply(bucketCount, 4, "the bucket table"), "chains")
        guard chainsStart <= table.count else {
            throw ELFError.malformed("the GNU symbol hash table runs past its segment")
        }
        var last = 0
        for bucket in 0..<bucketCount {
            last = max(last, Int(try table.u32(at: bucketsStart + bucket * 4)))
        }
        guard last > 0 else { return symbolOffset }
        guard last >= symbolOffset else {
            throw ELFError.malformed("a GNU hash bucket points below the first hashed symbol")
        }
        // The chain ends at the entry with the low bit set; each step reads a
        // further 4 bytes of the table, so the walk ends with the table.
        var index = last
        while try table.u32(at: try Checked.add(chainsStart, (index - symbolOffset) * 4, "a hash chain")) & 1 == 0 {
            index += 1
        }
        return index + 1
    }
}
