/// One image in one registry: `REGISTRY/REPOSITORY:TAG`, every part checked against the
/// distribution spec's grammar before anything is sent, so a typo is one line naming the part
/// instead of a registry's 400 after the layers were uploaded.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// `host[:port]`, host lower-cased (DNS names are not case-sensitive; config keys compare so).
    public var registry: String
    /// `/`-separated path components, e.g. `team/orders`.
    public var repository: String
    public var tag: String
    /// The scheme the user wrote (`http://` or `https://` before the registry); nil lets
    /// `RegistryScheme.choose` decide.
    public var requestedScheme: RegistryScheme?

    /// Checks every part; `subject` prefixes the error (the flag and what it was given).
    public init(registry: String, repository: String, tag: String = "latest", requestedScheme: RegistryScheme? = nil)
        throws
    {
        let subject = "image '\(registry)/\(repository):\(tag)'"
        self.registry = try ImageReference.checkedRegistry(registry, subject: subject)
        for component in repository.split(separator: "/", omittingEmptySubsequences: false) {
            try ImageReference.checkPathComponent(String(component), subject: subject)
        }
        let length = self.registry.utf8.count + 1 + repository.utf8.count
        guard length <= 255 else { throw ImageReferenceError.tooLong(subject: subject, length: length) }
        try ImageReference.checkTag(tag)
        self.repository = repository
        self.tag = tag
        self.requestedScheme = requestedScheme
    }

    /// `registry/repository:tag`, as `docker pull` and Lambda's `ImageUri` take it.
    public var description: String { "\(registry)/\(repository):\(tag)" }

    /// The same image pinned by its manifest's digest: what a Lambda function should be given, so
    /// a later push to the same tag does not change what it runs.
    public func pinned(_ digest: String) -> String { "\(registry)/\(repository)@\(digest)" }

    // MARK: - The grammar

    /// `host[:port]` (a DNS name or an IPv4 address, or `[IPv6]`); returns it with the host lower-cased.
    static func checkedRegistry(_ text: String, subject: String) throws -> String {
        var host = Substring(text)
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ImageReferenceError.badRegistry(subject: subject, registry: text)
            }
            let address = text[text.index(after: text.startIndex)..<close]
            guard !address.isEmpty, address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
                address.contains(":")
            else {
                throw ImageReferenceError.badRegistry(subject: subject, registry: text)
            }
            host = text[...close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { throw ImageReferenceError.badRegistry(subject: subject, registry: text) }
                port = rest.dropFirst()
            }
        } else {
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                port = text[text.index(after: colon)...]
            }
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            let validLabel = { (label: Substring) in
                !label.isEmpty && label.count <= 63
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                    && label.first != "-" && label.last != "-"
            }
            guard !host.isEmpty, labels.allSatisfy(validLabel) else {
                throw ImageReferenceError.badRegistry(subject: subject, registry: text)
            }
            // Docker's own rule for telling a registry from a namespace: without it, `--push acme`
            // would be read as a registry named `acme` instead of Docker Hub's `docker.io/acme`.
            guard host.contains(".") || port != nil || host.lowercased() == "localhost" else {
                throw ImageReferenceError.notARegistryHost(subject: subject, registry: text)
            }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCIIDigit), let number = Int(port),
                (1...65535).contains(number)
            else {
                throw ImageReferenceError.badPort(subject: subject, port: String(port))
            }
        }
        return host.lowercased() + (port.map { ":\($0)" } ?? "")
    }

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`: runs of lower-case letters and digits joined by one
    /// `.`, one or two `_`, or any number of `-`.
    static func isPathComponent(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let isAlphanumeric = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        var index = 0
        while true {
            let runStart = index
            while index < bytes.count, isAlphanumeric(bytes[index]) { index += 1 }
            guard index > runStart else { return false }
            if index == bytes.count { return true }
            let separatorStart = index
            while index < bytes.count, !isAlphanumeric(bytes[index]) { index += 1 }
            let separator = bytes[separatorStart..<index]
            let valid =
                separator.elementsEqual([UInt8(ascii: ".")]) || separator.elementsEqual([UInt8(ascii: "_")])
                || separator.elementsEqual([UInt8(ascii: "_"), UInt8(ascii: "_")])
                || separator.allSatisfy { $0 == UInt8(ascii: "-") }
            guard valid else { return false }
        }
    }

    static func checkPathComponent(_ component: String, subject: String) throws {
        guard isPathComponent(component) else {
            throw ImageReferenceError.badPathComponent(subject: subject, component: component)
        }
    }

    /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    public static func isTag(_ text: String) -> Bool {
        let allowed = { (character: Character) in
            character.isASCII && (character.isLetter || character.isNumber || character == "_")
        }
        guard let first = text.first, allowed(first), text.count <= 128 else { return false }
        return text.dropFirst().allSatisfy { allowed($0) || $0 == "." || $0 == "-" }
    }

    static func checkTag(_ tag: String) throws {
        guard isTag(tag) else { throw ImageReferenceError.badTag(tag) }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
