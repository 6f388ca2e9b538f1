/// The GNU symbol versioning tables: `.gnu.version_r` (versions this file
/// needs from each library), `.gnu.version_d` (versions a shared library
/// defines) and `.gnu.version` (one index per dynamic symbol into either).
///
/// These answer the question Lambda cares about: which glibc and libstdc++
/// a binary needs, symbol by symbol, compared with what the runtime ships.
struct VersionTables {
    struct Need {
        var library: String
        var versions: [(name: String, index: UInt16)]
    }

    struct Definition {
        var name: String
        var index: UInt16
        /// `VER_FLG_BASE`: the entry naming the file itself (its SONAME),
        /// not a version symbols can carry.
        var isBase: Bool
    }

    /// What a `.gnu.version` index points at.
    enum Reference {
        case definition(name: String)
        /// Positions in `needs` and in that need's `versions`.
        case need(library: Int, version: Int)
    }

    static let hiddenBit: UInt16 = 0x8000  // VERSYM_HIDDEN: the `@` (non-default) version
    static let indexMask: UInt16 = 0x7fff

    let needs: [Need]
    let definitions: [Definition]
    /// The `.gnu.version` table, if any, read lazily per symbol.
    let symbolVersions: ByteReader?
    private let references: [UInt16: Reference]

    init(layout: ELFLayout, dynamic: DynamicSection) throws {
        needs =
            try Self.locate(
                layout: layout, dynamic: dynamic, sectionType: SectionHeader.versionNeeds,
                addressTag: DynamicSection.Tag.versionNeeds, countTag: DynamicSection.Tag.versionNeedCount,
                name: ".gnu.version_r"
            ).map { try Self.readNeeds($0.table, count: $0.count, strings: $0.strings) } ?? []
        definitions =
            try Self.locate(
                layout: layout, dynamic: dynamic, sectionType: SectionHeader.versionDefinitions,
                addressTag: DynamicSection.Tag.versionDefinitions, countTag: DynamicSection.Tag.versionDefinitionCount,
                name: ".gnu.version_d"
            ).map { try Self.readDefinitions($0.table, count: $0.count, strings: $0.strings) } ?? []
        if let section = layout.section(ofType: SectionHeader.versionSymbols) {
            symbolVersions = try layout.contents(of: section, name: ".gnu.version")
        } else if let address = dynamic.first(DynamicSection.Tag.versionSymbols) {
            symbolVersions = try layout.contents(atAddress: address, name: ".gnu.version")
        } else {
            symbolVersions = nil
        }
        var references: [UInt16: Reference] = [:]
        for definition in definitions where references[definition.index] == nil {
            references[definition.index] = .definition(name: definition.name)
        }
        for (library, need) in needs.enumerated() {
            for (version, entry) in need.versions.enumerated() where references[entry.index] == nil {
                references[entry.index] = .need(library: library, version: version)
            }
        }
        self.references = references
    }

    /// The raw `.gnu.version` entry of symbol `index`, or `nil` when the
    /// table is missing or shorter than the symbol table.
    func versionEntry(ofSymbol index: Int) -> UInt16? {
        guard let symbolVersions, index >= 0, index < symbolVersions.count / 2 else { return nil }
        return try? symbolVersions.u16(at: index * 2)
    }

    /// Indices 0 (local) and 1 (global, unversioned) carry no version name.
    func reference(for entry: UInt16) -> Reference? {
        let index = entry & Self.indexMask
        guard index >= 2 else { return nil }
        return references[index]
    }

    // MARK: - Locating and reading

    private struct Located {
        var table: ByteReader
        var count: Int
        var strings: ByteReader
    }

    /// A version table from its section (count in `sh_info`, strings via
    /// `sh_link`) or, without section headers, from its dynamic tags.
    private static func locate(
        layout: ELFLayout, dynamic: DynamicSection, sectionType: UInt32,
        addressTag: UInt64, countTag: UInt64, name: String
    ) throws -> Located? {
        if let section = layout.section(ofType: sectionType) {
            let strings = try layout.linkedSection(section, name: name)
            return Located(
                table: try layout.contents(of: section, name: name), count: Int(section.info),
                strings: try layout.contents(of: strings, name: "\(name) strings"))
        }
        guard let address = dynamic.first(addressTag) else { return nil }
        guard let strings = dynamic.strings else {
            throw ELFError.malformed("\(name) has no string table")
        }
        let count = try Checked.int(dynamic.first(countTag) ?? 0, "\(name) entry count")
        return Located(table: try layout.contents(atAddress: address, name: name), count: count, strings: strings)
    }

    /// `Elf64_Verneed` entries (16 bytes), each followed by a chain of
    /// `Elf64_Vernaux` entries (16 bytes). Links are forward byte offsets, so
    /// a chain cannot loop unless offsets repeat; the visited sets make that
    /// an error instead of trusting it, and every offset is checked.
    static func readNeeds(_ table: ByteReader, count: Int, strings: ByteReader) throws -> [Need] {
        let entrySize = 16
        guard count <= table.count / entrySize else {
            throw ELFError.malformed("\(table.name ?? "") claims \(count) entries in \(table.count) bytes")
        }
        var needs: [Need] = []
        var visited = Set<Int>()
        var visitedAux = Set<Int>()
        var offset = 0
        for _ in 0..<count {
            guard visited.insert(offset).inserted else {
                throw ELFError.malformed("the version need chain loops at offset \(offset)")
            }
            let auxCount = Int(try table.u16(at: offset + 2))
            let library = try strings.cString(at: Int(try table.u32(at: offset + 4)))
            let next = Int(try table.u32(at: offset + 12))
            var auxOffset = try Checked.add(offset, Int(try table.u32(at: offset + 8)), "a version need's vn_aux")
            var versions: [(name: String, index: UInt16)] = []
            for _ in 0..<auxCount {
                guard visitedAux.insert(auxOffset).inserted else {
                    throw ELFError.malformed("the version need chain of \(library) loops at offset \(auxOffset)")
                }
                let index = try table.u16(at: auxOffset + 6)  // vna_other
                let name = try strings.cString(at: Int(try table.u32(at: auxOffset + 8)))
                versions.append((name, index))
                let auxNext = Int(try table.u32(at: auxOffset + 12))
                guard auxNext != 0 else { break }
                auxOffset = try Checked.add(auxOffset, auxNext, "a version need's vna_next")
            }
            needs.append(Need(library: library, versions: versions))
            guard next != 0 else { break }
            offset = try Checked.add(offset, next, "a version need's vn_next")
        }
        return needs
    }

    /// `Elf64_Verdef` entries (20 bytes); the first `Elf64_Verdaux` of each
    /// names the version, later ones name its parents (not needed here).
    static func readDefinitions(_ table: ByteReader, count: Int, strings: ByteReader) throws -> [Definition] {
        let entrySize = 20
        guard count <= table.count / entrySize else {
            throw ELFError.malformed("\(table.name ?? "") claims \(count) entries in \(table.count) bytes")
        }
        var definitions: [Definition] = []
        var visited = Set<Int>()
        var offset = 0
        for _ in 0..<count {
            guard visited.insert(offset).inserted else {
                throw ELFError.malformed("the version definition chain loops at offset \(offset)")
            }
            let flags = try table.u16(at: offset + 2)
            let index = try table.u16(at: offset + 4)
            let auxCount = try table.u16(at: offset + 6)
            let auxOffset = try Checked.add(offset, Int(try table.u32(at: offset + 12)), "a version's vd_aux")
            let next = Int(try table.u32(at: offset + 16))
            if auxCount > 0 {
                let name = try strings.cString(at: Int(try table.u32(at: auxOffset)))
                definitions.append(Definition(name: name, index: index, isBase: flags & 1 != 0))
            }
            guard next != 0 else { break }
            offset = try Checked.add(offset, next, "a version's vd_next")
        }
        return definitions
    }
}
