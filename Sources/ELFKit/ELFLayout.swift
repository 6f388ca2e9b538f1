/// One program header (segment): what the loader maps, and where from.
struct ProgramHeader {
    static let load: UInt32 = 1  // PT_LOAD
    static let dynamic: UInt32 = 2  // PT_DYNAMIC
    static let interpreter: UInt32 = 3  // PT_INTERP
    static let minimumSize = 56  // sizeof(Elf64_Phdr)

    var type: UInt32
    var offset: UInt64
    var address: UInt64
    var fileSize: UInt64
}

/// One section header: the linker's view, which names each table by type.
struct SectionHeader {
    static let stringTable: UInt32 = 3  // SHT_STRTAB
    static let dynamic: UInt32 = 6  // SHT_DYNAMIC
    static let noBits: UInt32 = 8  // SHT_NOBITS
    static let dynamicSymbols: UInt32 = 11  // SHT_DYNSYM
    static let versionDefinitions: UInt32 = 0x6fff_fffd  // SHT_GNU_verdef
    static let versionNeeds: UInt32 = 0x6fff_fffe  // SHT_GNU_verneed
    static let versionSymbols: UInt32 = 0x6fff_ffff  // SHT_GNU_versym
    static let minimumSize = 64  // sizeof(Elf64_Shdr)

    var type: UInt32
    var offset: UInt64
    var size: UInt64
    var link: UInt32
    var info: UInt32
}

/// The program and section header tables of a file, and the address map
/// they imply.
///
/// Tables are found through section headers first, as `readelf` does, and
/// through the dynamic segment's addresses otherwise: the loader never needs
/// section headers, so tools such as `sstrip` remove them and such binaries
/// still run on Lambda.
struct ELFLayout {
    let file: ByteReader
    let programHeaders: [ProgramHeader]
    let sections: [SectionHeader]

    init(file: ByteReader, header: ELFHeader) throws {
        self.file = file
        sections = try Self.readSections(file: file, header: header)
        programHeaders = try Self.readProgramHeaders(file: file, header: header, sections: sections)
        try Self.validateNameTableIndex(header: header, sections: sections)
    }

    /// The first section of `type`, which linkers emit at most once for the
    /// dynamic tables.
    func section(ofType type: UInt32) -> SectionHeader? {
        sections.first { $0.type == type }
    }

    /// The bytes of `section`; a table that claims bytes past the end of the
    /// file means the file was cut short.
    func contents(of section: SectionHeader, name: String) throws -> ByteReader {
        guard section.type != SectionHeader.noBits else {
            throw ELFError.malformed("\(name) occupies no bytes in the file")
        }
        return try file.region(offset: section.offset, size: section.size, name: name)
    }

    /// The section `link` points at (a table's string table), checked, since
    /// a link is just an index the file supplies.
    func linkedSection(_ section: SectionHeader, name: String) throws -> SectionHeader {
        guard let index = Int(exactly: section.link), index > 0, index < sections.count else {
            throw ELFError.malformed("\(name) links to section \(section.link), which does not exist")
        }
        return sections[index]
    }

    /// The file bytes behind a virtual address, up to the end of the loaded
    /// segment that holds it: dynamic tags give addresses, not offsets.
    func contents(atAddress address: UInt64, name: String) throws -> ByteReader {
        for segment in programHeaders where segment.type == ProgramHeader.load {
            guard address >= segment.address else { continue }
            let delta = address &- segment.address
            guard delta < segment.fileSize else { continue }
            let (offset, overflow) = segment.offset.addingReportingOverflow(delta)
            guard !overflow else { throw ELFError.malformed("\(name) address \(address) overflows its segment") }
            return try file.region(offset: offset, size: segment.fileSize &- delta, name: name)
        }
        throw ELFError.malformed("\(name) address \(address) is not in any loaded segment")
    }

    // MARK: - Reading the tables

    private static func readSections(file: ByteReader, header: ELFHeader) throws -> [SectionHeader] {
        guard header.sectionHeaderOffset != 0 else { return [] }
        let entrySize = Int(header.sectionHeaderEntrySize)
        guard entrySize >= SectionHeader.minimumSize else {
            throw ELFError.malformed("section header size \(entrySize) is smaller than \(SectionHeader.minimumSize)")
        }
        // More than 0xff00 sections: e_shnum is 0 and section 0's sh_size holds the count.
        let first = try file.region(
            offset: header.sectionHeaderOffset, size: UInt64(entrySize), name: "the section header table")
        var count = Int(header.sectionHeaderCount)
        if count == 0 {
            count = try Checked.int(try first.u64(at: 32), "the extended section count")
        }
        let tableSize = try Checked.multiply(count, entrySize, "the section header table size")
        let table = try file.region(
            offset: header.sectionHeaderOffset, size: UInt64(tableSize), name: "the section header table")
        var sections: [SectionHeader] = []
        sections.reserveCapacity(count)
        for index in 0..<count {
            let at = index * entrySize  // cannot overflow: at most tableSize
            sections.append(
                SectionHeader(
                    type: try table.u32(at: at + 4),
                    offset: try table.u64(at: at + 24),
                    size: try table.u64(at: at + 32),
                    link: try table.u32(at: at + 40),
                    info: try table.u32(at: at + 44)
                ))
        }
        return sections
    }

    private static func readProgramHeaders(
        file: ByteReader, header: ELFHeader, sections: [SectionHeader]
    ) throws -> [ProgramHeader] {
        var count = Int(header.programHeaderCount)
        // PN_XNUM: the real count is in section 0's sh_info.
        if count == 0xffff, let first = sections.first {
            count = Int(first.info)
        }
        guard count > 0 else { return [] }
        let entrySize = Int(header.programHeaderEntrySize)
        guard entrySize >= ProgramHeader.minimumSize else {
            throw ELFError.malformed("program header size \(entrySize) is smaller than \(ProgramHeader.minimumSize)")
        }
        let tableSize = try Checked.multiply(count, entrySize, "the program header table size")
        let table = try file.region(
            offset: header.programHeaderOffset, size: UInt64(tableSize), name: "the program header table")
        var headers: [ProgramHeader] = []
        headers.reserveCapacity(count)
        for index in 0..<count {
            let at = index * entrySize
            headers.append(
                ProgramHeader(
                    type: try table.u32(at: at),
                    offset: try table.u64(at: at + 8),
                    address: try table.u64(at: at + 16),
                    fileSize: try table.u64(at: at + 32)
                ))
        }
        return headers
    }

    /// `e_shstrndx` is not needed to find the dynamic tables (types are), but
    /// an index outside the table means the header and table disagree, so
    /// the file is refused rather than half-trusted.
    private static func validateNameTableIndex(header: ELFHeader, sections: [SectionHeader]) throws {
        var index = Int(header.sectionNameTableIndex)
        if index == 0xffff, let first = sections.first {  // SHN_XINDEX: the index is in section 0's sh_link
            index = Int(first.link)
        }
        guard index == 0 || index < sections.count else {
            throw ELFError.malformed(
                "section name table index \(index) is out of range (\(sections.count) sections)")
        }
    }
}
