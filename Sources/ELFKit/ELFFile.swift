import Foundation

/// What a binary asks of the machine it runs on: its loader, the shared
/// libraries it needs, their search paths, and the symbol versions it binds
/// to. Lambda's runtime ships one glibc and no libstdc++ of the build
/// machine's vintage, so these are what decide whether a binary built here
/// starts there.
///
/// Every input either parses or throws `ELFError`: offsets and counts come
/// from the file and are all checked, never trusted, so a corrupt or hostile
/// file cannot crash the build tool that inspects it.
public struct ELFFile: Sendable {
    public let header: ELFHeader
    /// The program interpreter (`PT_INTERP`), e.g. `/lib64/ld-linux-x86-64.so.2`;
    /// `nil` for static binaries and shared libraries.
    public let interpreter: String?
    /// `DT_NEEDED` libraries, in the order the loader searches them.
    public let needed: [String]
    /// `DT_SONAME`: the name other binaries record when they link this library.
    public let soname: String?
    /// `DT_RPATH` directories (searched before `LD_LIBRARY_PATH`).
    public let rpath: [String]
    /// `DT_RUNPATH` directories (searched after `LD_LIBRARY_PATH`).
    public let runpath: [String]
    /// `.gnu.version_r`: per library, the versions needed and the symbols
    /// needing each.
    public let versionNeeds: [VersionNeed]
    /// `.gnu.version_d` version names a shared library defines, in file order,
    /// without the base entry (which repeats the SONAME).
    public let versionDefinitions: [String]
    /// `.dynsym` without its first, always-null entry: element `i` is symbol
    /// table index `i + 1`.
    public let dynamicSymbols: [DynamicSymbol]

    /// Reads the file at `path` through a memory map, so only the pages
    /// holding headers and dynamic tables are read, whatever the file's size.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw ELFError.unreadable(path: path)
        }
        self = try data.withUnsafeBytes { try ELFFile(buffer: $0) }
    }

    public init(bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try ELFFile(buffer: $0) }
    }

    /// Parses `buffer`, which is only borrowed: everything kept is copied out.
    init(buffer: UnsafeRawBufferPointer) throws {
        let file = ByteReader(buffer)
        header = try ELFHeader(reader: file)
        let layout = try ELFLayout(file: file, header: header)
        interpreter = try Self.interpreter(layout)

        let dynamic = try DynamicSection(layout: layout)
        needed = try dynamic.strings(for: DynamicSection.Tag.needed)
        soname = try dynamic.strings(for: DynamicSection.Tag.soname).first
        rpath = try dynamic.searchPath(for: DynamicSection.Tag.rpath)
        runpath = try dynamic.searchPath(for: DynamicSection.Tag.runpath)

        let versions = try VersionTables(layout: layout, dynamic: dynamic)
        versionDefinitions = versions.definitions.filter { !$0.isBase }.map(\.name)
        let symbolTable = try DynamicSymbolTable(layout: layout, dynamic: dynamic)

        var symbolsByNeed = versions.needs.map { need in need.versions.map { _ in [String]() } }
        var symbols: [DynamicSymbol] = []
        symbols.reserveCapacity(max(0, symbolTable.count - 1))
        for index in 1..<max(1, symbolTable.count) {
            let raw = try symbolTable.symbol(at: index)
            var version: String?
            var isDefault = false
            if let entry = versions.versionEntry(ofSymbol: index) {
                switch versions.reference(for: entry) {
                case .definition(let name):
                    version = name
                    isDefault = entry & VersionTables.hiddenBit == 0
                case .need(let library, let position):
                    version = versions.needs[library].versions[position].name
                    symbolsByNeed[library][position].append(raw.name)
                case nil:
                    break
                }
            }
            symbols.append(
                DynamicSymbol(
                    name: raw.name, isDefined: raw.section != 0, type: SymbolType(rawValue: raw.info & 0xf),
                    binding: SymbolBinding(rawValue: raw.info >> 4), value: raw.value, size: raw.size,
                    version: version, isDefaultVersion: isDefault))
        }
        dynamicSymbols = symbols
        versionNeeds = zip(versions.needs, symbolsByNeed).map { need, symbolLists in
            VersionNeed(
                library: need.library,
                versions: zip(need.versions, symbolLists).map { NeededVersion(name: $0.name, symbols: $1) })
        }
    }

    /// The highest needed version with `prefix` (`"GLIBC"`, `"GLIBCXX"`) and
    /// the symbols needing exactly that version, across all libraries (glibc
    /// splits its versions over `libc.so.6`, `libm.so.6` and the loader).
    /// Versions that do not parse (`GLIBC_PRIVATE`) are ignored.
    public func maxVersion(prefix: String) -> (SymbolVersion, symbols: [String])? {
        var best: SymbolVersion?
        var symbols: [String] = []
        for need in versionNeeds {
            for needed in need.versions {
                guard let version = SymbolVersion(needed.name), version.prefix == prefix else { continue }
                if let current = best, version < current { continue }
                if let current = best, version == current {
                    symbols += needed.symbols.filter { !symbols.contains($0) }
                } else {
                    best = version
                    symbols = needed.symbols
                }
            }
        }
        return best.map { ($0, symbols) }
    }

    private static func interpreter(_ layout: ELFLayout) throws -> String? {
        guard let segment = layout.programHeaders.first(where: { $0.type == ProgramHeader.interpreter }) else {
            return nil
        }
        let bytes = try layout.file.region(offset: segment.offset, size: segment.fileSize, name: "PT_INTERP")
        return try bytes.cString(at: 0)
    }
}
