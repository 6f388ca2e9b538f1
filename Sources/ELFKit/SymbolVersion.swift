/// A GNU symbol version name split into a family and numbers, so versions
/// compare as numbers: `GLIBC_2.9` is older than `GLIBC_2.34`, although it
/// sorts after it as text.
///
/// The name is `PREFIX_N(.N)*`, split at the last underscore: `GLIBC_2.34`,
/// `GLIBCXX_3.4.29`, `CXXABI_1.3.13`, `GCC_7.0.0`. Names without numbers
/// (`GLIBC_PRIVATE`, a SONAME) do not parse, since they have no order.
public struct SymbolVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The family, e.g. `GLIBC`; only versions of one family are meaningfully
    /// ordered.
    public let prefix: String
    /// The dotted numbers, e.g. `[2, 34]`.
    public let numbers: [Int]

    public init?(_ string: String) {
        guard let separator = string.lastIndex(of: "_") else { return nil }
        let prefix = string[..<separator]
        let components = string[string.index(after: separator)...].split(
            separator: ".", omittingEmptySubsequences: false)
        guard !prefix.isEmpty, !components.isEmpty else { return nil }
        var numbers: [Int] = []
        for component in components {
            // Only ASCII digits: `Int("+1")` would accept a sign, `Int` parsing
            // returns nil rather than trapping on a number that is too long.
            guard !component.isEmpty, component.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let number = Int(component)
            else { return nil }
            numbers.append(number)
        }
        self.prefix = String(prefix)
        self.numbers = numbers
    }

    public init(prefix: String, numbers: [Int]) {
        self.prefix = prefix
        self.numbers = numbers
    }

    public var description: String {
        "\(prefix)_\(numbers.map(String.init).joined(separator: "."))"
    }

    /// Orders by prefix first (as text), then by numbers element by element,
    /// a shorter list first when it is a prefix of the longer one
    /// (`2.2 < 2.2.5 < 2.3`). Comparing across families is only a stable
    /// order for sorting, not a statement about which is newer; callers
    /// that want "the highest GLIBC version" filter by prefix first.
    public static func < (lhs: SymbolVersion, rhs: SymbolVersion) -> Bool {
        if lhs.prefix != rhs.prefix { return lhs.prefix < rhs.prefix }
        return lhs.numbers.lexicographicallyPrecedes(rhs.numbers)
    }
}

/// Encoded as its name (`"GLIBC_2.34"`).
extension SymbolVersion: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let version = SymbolVersion(name) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(name)' is not a symbol version such as GLIBC_2.34")
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
