/// The dynamic section: the loader's table of contents for a binary, listing
/// the libraries it needs, its search paths and where the symbol and version
/// tables sit in memory.
struct DynamicSection {
    enum Tag {
        static let null: UInt64 = 0
        static let needed: UInt64 = 1
        static let hash: UInt64 = 4
        static let stringTable: UInt64 = 5
        static let symbolTable: UInt64 = 6
        static let stringTableSize: UInt64 = 10
        static let soname: UInt64 = 14
        static let rpath: UInt64 = 15
        static let runpath: UInt64 = 29
        static let gnuHash: UInt64 = 0x6fff_fef5
        static let versionSymbols: UInt64 = 0x6fff_fff0
        static let versionDefinitions: UInt64 = 0x6fff_fffc
        static let versionDefinitionCount: UInt64 = 0x6fff_fffd
        static let versionNeeds: UInt64 = 0x6fff_fffe
        static let versionNeedCount: UInt64 = 0x6fff_ffff
    }

    static let entrySize = 16  // sizeof(Elf64_Dyn)

    /// Entries up to (not including) `DT_NULL`, in file order.
    let entries: [(tag: UInt64, value: UInt64)]
    /// The string table that `DT_NEEDED` and friends index; `nil` when the
    /// file has no dynamic section or no string table for it.
    let strings: ByteReader?

    /// Reads the dynamic section from the `SHT_DYNAMIC` section, or from the
    /// `PT_DYNAMIC` segment when the file has no section headers. A static
    /// binary has neither and gets an empty table.
    init(layout: ELFLayout) throws {
        let table: ByteReader
        var linkedStrings: ByteReader?
        if let section = layout.section(ofType: SectionHeader.dynamic) {
            table = try layout.contents(of: section, name: ".dynamic")
            let stringSection = try layout.linkedSection(section, name: ".dynamic")
            linkedStrings = try layout.contents(of: stringSection, name: ".dynstr")
        } else if let segment = layout.programHeaders.first(where: { $0.type == ProgramHeader.dynamic }) {
            table = try layout.file.region(offset: segment.offset, size: segment.fileSize, name: "the dynamic segment")
        } else {
            entries = []
            strings = nil
            return
        }
        var entries: [(tag: UInt64, value: UInt64)] = []
        for index in 0..<(table.count / Self.entrySize) {
            let tag = try table.u64(at: index * Self.entrySize)
            guard tag != Tag.null else { break }
            entries.append((tag, try table.u64(at: index * Self.entrySize + 8)))
        }
        self.entries = entries
        if let linkedStrings {
            strings = linkedStrings
        } else if let address = entries.first(where: { $0.tag == Tag.stringTable })?.value {
            let segment = try layout.contents(atAddress: address, name: "the dynamic string table")
            if let size = entries.first(where: { $0.tag == Tag.stringTableSize })?.value {
                strings = try segment.region(offset: 0, size: size, name: "the dynamic string table")
            } else {
                strings = segment
            }
        } else {
            strings = nil
        }
    }

    func first(_ tag: UInt64) -> UInt64? {
        entries.first { $0.tag == tag }?.value
    }

    /// The strings of every entry with `tag`, in order (`DT_NEEDED` lists
    /// libraries in the order the loader searches them).
    func strings(for tag: UInt64) throws -> [String] {
        let offsets = entries.filter { $0.tag == tag }.map(\.value)
        guard !offsets.isEmpty else { return [] }
        guard let strings else {
            throw ELFError.malformed("the dynamic section has string entries but no string table")
        }
        return try offsets.map { try strings.cString(at: try Checked.int($0, "dynamic string offset")) }
    }

    /// A search path list: `DT_RPATH`/`DT_RUNPATH` hold colon-separated
    /// directories. Empty components are kept because the loader reads them
    /// as the current directory; an entirely empty value means no paths.
    func searchPath(for tag: UInt64) throws -> [String] {
        try strings(for: tag).flatMap { value -> [String] in
            value.isEmpty ? [] : value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
