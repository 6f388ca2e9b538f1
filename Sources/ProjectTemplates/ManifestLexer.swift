/// A token of Swift source: as much of Swift's grammar as editing `Package.swift` needs. Comments
/// and whitespace are not tokens; they stay in the gaps between tokens, where edits keep them.
struct ManifestToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier
        /// A string literal of any form, with its delimiters.
        case string
        /// One of `( ) [ ] { } , : .`
        case punctuation
        /// `#if`, `#else`, `#elseif`, `#endif` and other `#word`s.
        case directive
        /// Anything else: operators, numbers.
        case other
    }

    var kind: Kind
    /// UTF-8 offsets into the source: `start..<end`.
    var start: Int
    var end: Int
    var text: String
}

/// Splits Swift source into `ManifestToken`s. Skips comments (nested block comments included)
/// and reads every form of string literal whole: `"..."`, `"""..."""`, raw `#"..."#`, and
/// interpolations with strings of their own inside, so that brackets in strings and comments
/// never count as structure.
struct ManifestLexer {
    private let bytes: [UInt8]
    private var position = 0

    static func tokens(of source: [UInt8]) throws(ManifestEditError) -> [ManifestToken] {
        var lexer = ManifestLexer(bytes: source)
        return try lexer.run()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x5F || byte >= 0x80
    }

    private mutating func run() throws(ManifestEditError) -> [ManifestToken] {
        var tokens: [ManifestToken] = []
        while position < bytes.count {
            let start = position
            let current = bytes[position]
            let next = byte(at: position + 1)
            let kind: ManifestToken.Kind
            switch current {
            case 0x20, 0x09, 0x0A, 0x0D:
                position += 1
                continue
            case UInt8(ascii: "/") where next == UInt8(ascii: "/"):
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
                continue
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                try skipBlockComment()
                continue
            case UInt8(ascii: "\""):
                try skipString()
                kind = .string
            case UInt8(ascii: "#"):
                var hashes = position
                while byte(at: hashes) == UInt8(ascii: "#") { hashes += 1 }
                if byte(at: hashes) == UInt8(ascii: "\"") {
                    try skipString()
                    kind = .string
                } else {
                    position += 1
                    while let byte = byte(at: position), Self.isIdentifierByte(byte) { position += 1 }
                    kind = .directive
                }
            case UInt8(ascii: "`"):
                position += 1
                while let byte = byte(at: position), byte != UInt8(ascii: "`"), byte != 0x0A { position += 1 }
                guard byte(at: position) == UInt8(ascii: "`") else { throw .unterminated("a `quoted` identifier") }
                position += 1
                kind = .identifier
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "."):
                position += 1
                kind = .punctuation
            case _ where Self.isIdentifierByte(current):
                while let byte = byte(at: position), Self.isIdentifierByte(byte) { position += 1 }
                kind = (0x30...0x39).contains(current) ? .other : .identifier
            default:
                position += 1
                kind = .other
            }
            tokens.append(
                ManifestToken(
                    kind: kind, start: start, end: position,
                    text: String(decoding: bytes[start..<position], as: UTF8.self)))
        }
        return tokens
    }

    private mutating func skipBlockComment() throws(ManifestEditError) {
        var depth = 0
        repeat {
            guard position + 1 < bytes.count else { throw .unterminated("a /* comment */") }
            if bytes[position] == UInt8(ascii: "/") && bytes[position + 1] == UInt8(ascii: "*") {
                depth += 1
                position += 2
            } else if bytes[position] == UInt8(ascii: "*") && bytes[position + 1] == UInt8(ascii: "/") {
                depth -= 1
                position += 2
            } else {
                position += 1
            }
        } while depth > 0
    }

    /// Skips a string literal starting at `position` (at its first `#` or `"`).
    private mutating func skipString() throws(ManifestEditError) {
        var hashes = 0
        while bytes[position] == UInt8(ascii: "#") {
            hashes += 1
            position += 1
        }
        let multiline = bytes[position...].starts(with: Array("\"\"\"".utf8))
        position += multiline ? 3 : 1
        let closing = Array((multiline ? "\"\"\"" : "\"").utf8) + [UInt8](repeating: UInt8(ascii: "#"), count: hashes)
        while position < bytes.count {
            let current = bytes[position]
            if current == UInt8(ascii: "\\") {
                // An escape only when followed by the literal's own number of `#`s.
                let afterHashes = position + 1 + hashes
                guard bytes[(position + 1)..<min(afterHashes, bytes.count)].allSatisfy({ $0 == UInt8(ascii: "#") }),
                    afterHashes < bytes.count
                else {
                    position += 1
                    continue
                }
                if bytes[afterHashes] == UInt8(ascii: "(") {
                    position = afterHashes
                    try skipInterpolation()
                } else {
                    position = afterHashes + 1
                }
                continue
            }
            if current == 0x0A && !multiline { throw .unterminated("a string literal") }
            if bytes[position...].starts(with: closing) {
                position += closing.count
                return
            }
            position += 1
        }
        throw .unterminated("a string literal")
    }

    /// Skips `( ... )` of an interpolation, which may hold strings and parentheses of its own.
    private mutating func skipInterpolation() throws(ManifestEditError) {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "("):
                depth += 1
                position += 1
            case UInt8(ascii: ")"):
                depth -= 1
                position += 1
                if depth == 0 { return }
            case UInt8(ascii: "\""), UInt8(ascii: "#"):
                var hashes = position
                while byte(at: hashes) == UInt8(ascii: "#") { hashes += 1 }
                if byte(at: hashes) == UInt8(ascii: "\"") {
                    try skipString()
                } else {
                    position = max(hashes, position + 1)
                }
            default:
                position += 1
            }
        }
        throw .unterminated("a string interpolation")
    }
}
