/// The few XML documents AWS's query (IAM, STS) and REST-XML (S3) APIs answer with, read into
/// elements. Namespaces are kept as written in names and attributes are skipped: the answers
/// are looked up by element name.
public struct XMLTree: Sendable, Equatable {
    public var name: String
    public var children: [XMLTree]
    /// The element's own character data, entities decoded.
    public var text: String

    public init(name: String, children: [XMLTree] = [], text: String = "") {
        self.name = name
        self.children = children
        self.text = text
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "malformed XML at byte \(offset): \(reason)" }
    }

    /// The first child named `name`.
    public subscript(name: String) -> XMLTree? { children.first { $0.name == name } }

    /// The first element at a path of child names (`["GetRoleResult", "Role", "Arn"]`).
    public func element(_ path: [String]) -> XMLTree? {
        var node: XMLTree? = self
        for name in path { node = node?[name] }
        return node
    }

    /// The first element named `name` anywhere below this one, depth first.
    public func first(_ name: String) -> XMLTree? {
        for child in children {
            if child.name == name { return child }
            if let found = child.first(name) { return found }
        }
        return nil
    }

    public func all(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    public static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> XMLTree {
        var parser = XMLTreeParser(Array(bytes))
        return try parser.document()
    }
}

private struct XMLTreeParser {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ reason: String) -> XMLTree.ParseError { XMLTree.ParseError(offset: index, reason: reason) }

    func peek(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<index + utf8.count]) == utf8
    }

    mutating func skip(past text: String) throws(XMLTree.ParseError) {
        while index < bytes.count {
            if peek(text) { index += text.utf8.count; return }
            index += 1
        }
        throw fail("no \(text)")
    }

    mutating func skipMisc() throws(XMLTree.ParseError) {
        while index < bytes.count {
            if bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
            else if peek("<?") { try skip(past: "?>") }
            else if peek("<!--") { try skip(past: "-->") }
            else if peek("<!DOCTYPE") { try skip(past: ">") }
            else { return }
        }
    }

    mutating func document() throws(XMLTree.ParseError) -> XMLTree {
        try skipMisc()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("no root element") }
        let root = try element()
        try skipMisc()
        guard index == bytes.count else { throw fail("content after the root element") }
        return root
    }

    mutating func name() throws(XMLTree.ParseError) -> String {
        let start = index
        while index < bytes.count, ![0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "=")].contains(bytes[index]) {
            index += 1
        }
        guard index > start else { throw fail("an empty name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// At `<`: the element, its children and text, through its end tag.
    mutating func element() throws(XMLTree.ParseError) -> XMLTree {
        index += 1
        var node = XMLTree(name: try name())
        // Attributes: skipped, quotes respected.
        while true {
            guard index < bytes.count else { throw fail("unterminated start tag <\(node.name)") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else { throw fail("stray / in <\(node.name)") }
                index += 2
                return node
            }
            if byte == UInt8(ascii: ">") { index += 1; break }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                index += 1
                while index < bytes.count, bytes[index] != byte { index += 1 }
                guard index < bytes.count else { throw fail("unterminated attribute in <\(node.name)") }
            }
            index += 1
        }
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("no end tag for <\(node.name)>") }
            if peek("</") {
                index += 2
                let closing = try name()
                guard closing == node.name else { throw fail("</\(closing)> closes <\(node.name)>") }
                while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                guard index < bytes.count else { throw fail("unterminated end tag") }
                index += 1
                node.text = try decodeEntities(text)
                return node
            } else if peek("<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>")
                text += bytes[start..<index - 3]
            } else if peek("<!--") {
                try skip(past: "-->")
            } else if peek("<?") {
                try skip(past: "?>")
            } else if bytes[index] == UInt8(ascii: "<") {
                node.children.append(try element())
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
    }

    func decodeEntities(_ raw: [UInt8]) throws(XMLTree.ParseError) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { throw fail("an & with no ;") }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                guard let scalar, let character = Unicode.Scalar(scalar) else { throw fail("unknown entity &\(entity);") }
                out.unicodeScalars.append(character)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }
}
