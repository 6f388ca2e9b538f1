import Foundation

/// What GNU `readelf -d -V --dyn-syms -W` prints, parsed: the independent
/// reading `ELFFile` is compared with.
struct ReadelfOutput {
    struct Symbol: Equatable {
        var name: String
        var type: String
        var binding: String
        var isDefined: Bool
        var isAbsolute: Bool
        var version: String?
        /// `name@@V`; `false` for `name@V` and `name@V (n)`.
        var isDefault: Bool
        /// The `(n)` of `name@V (n)`: a version needed from another library.
        var neededIndex: Int?
    }

    var needed: [String] = []
    var soname: String?
    var rpath: [String] = []
    var runpath: [String] = []
    /// Per `File:` line, its `Name:`/`Version:` pairs.
    var versionNeeds: [(library: String, versions: [(name: String, index: Int)])] = []
    /// Non-base version definitions.
    var versionDefinitions: [String] = []
    /// `.dynsym` from index 1.
    var symbols: [Symbol] = []

    init(_ text: String) {
        enum Block { case none, dynamic, symbols, definitions, needs }
        var block = Block.none
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("Dynamic section") {
                block = .dynamic
            } else if line.hasPrefix("Symbol table '.dynsym'") {
                block = .symbols
            } else if line.hasPrefix("Version definition section") {
                block = .definitions
            } else if line.hasPrefix("Version needs section") {
                block = .needs
            } else if line.hasPrefix("Version symbols section") || line.hasPrefix("Symbol table") {
                block = .none
            }
            switch block {
            case .none: break
            case .dynamic: parseDynamic(line)
            case .symbols: parseSymbol(line)
            case .definitions: parseDefinition(line)
            case .needs: parseNeed(line)
            }
        }
    }

    private static func bracketed(_ line: String) -> String? {
        guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"), open < close else {
            return nil
        }
        return String(line[line.index(after: open)..<close])
    }

    private static func field(_ name: String, in line: String) -> String? {
        guard let range = line.range(of: "\(name): ") else { return nil }
        return line[range.upperBound...].split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    private mutating func parseDynamic(_ line: String) {
        guard let value = Self.bracketed(line) else { return }
        let paths = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if line.contains("(NEEDED)") { needed.append(value) }
        if line.contains("(SONAME)") { soname = value }
        if line.contains("(RPATH)") { rpath += paths }
        if line.contains("(RUNPATH)") { runpath += paths }
    }

    private mutating func parseSymbol(_ line: String) {
        let fields = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: true).map(String.init)
        guard fields.count >= 7, fields[0].hasSuffix(":"), let index = Int(fields[0].dropLast()), index > 0 else {
            return
        }
        var name = fields.count > 7 ? fields[7] : ""
        var neededIndex: Int?
        if name.hasSuffix(")"), let open = name.range(of: " (", options: .backwards) {
            neededIndex = Int(name[open.upperBound..<name.index(before: name.endIndex)])
            name = String(name[..<open.lowerBound])
        }
        var version: String?
        var isDefault = false
        if let at = name.range(of: "@@") {
            version = String(name[at.upperBound...])
            isDefault = true
            name = String(name[..<at.lowerBound])
        } else if let at = name.range(of: "@") {
            version = String(name[at.upperBound...])
            name = String(name[..<at.lowerBound])
        }
        symbols.append(
            Symbol(
                name: name, type: fields[3], binding: fields[4], isDefined: fields[6] != "UND",
                isAbsolute: fields[6] == "ABS", version: version, isDefault: isDefault, neededIndex: neededIndex))
    }

    private mutating func parseDefinition(_ line: String) {
        guard line.contains("Rev:"), !line.contains("Flags: BASE"), let name = Self.field("Name", in: line) else {
            return
        }
        versionDefinitions.append(name)
    }

    private mutating func parseNeed(_ line: String) {
        if let file = Self.field("File", in: line) {
            versionNeeds.append((file, []))
        } else if let name = Self.field("Name", in: line),
            let index = Self.field("Version", in: line).flatMap({
                Int($0)
            }), !versionNeeds.isEmpty
        {
            versionNeeds[versionNeeds.count - 1].versions.append((name, index))
        }
    }
}
