/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and its
/// parameters. Registries send `Basic realm="..."` or `Bearer realm="...",service="...",scope="..."`,
/// where a scope may hold commas (`repository:a/b:pull,push`) inside its quotes, so the header is
/// read as a grammar and never split on commas.
public struct AuthChallenge: Sendable, Equatable {
    /// Lower-cased (`basic`, `bearer`): schemes are case-insensitive.
    public var scheme: String
    /// Names lower-cased, values unquoted and unescaped.
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String] = [:]) {
        self.scheme = scheme.lowercased()
        self.parameters = parameters
    }

    public subscript(_ name: String) -> String? { parameters[name.lowercased()] }

    /// Every challenge in `header`, in order. Several may come in one header (a transport joins
    /// repeated headers with `, `): a token not followed by `=` starts the next one.
    public static func parse(_ header: String) -> [AuthChallenge] {
        var scanner = Scanner(Array(header.unicodeScalars))
        var challenges: [AuthChallenge] = []
        while true {
            scanner.skip { $0 == "," || $0 == " " || $0 == "\t" }
            guard let scheme = scanner.token() else {
                if scanner.atEnd { break }
                scanner.advance()
                continue
            }
            var challenge = AuthChallenge(scheme: scheme)
            while true {
                scanner.skip { $0 == " " || $0 == "\t" }
                let mark = scanner.position
                guard let name = scanner.token() else {
                    if scanner.peek == "," {
                        scanner.advance()
                        continue
                    }
                    break
                }
                scanner.skip { $0 == " " || $0 == "\t" }
                guard scanner.peek == "=" else {
                    // The next challenge's scheme.
                    scanner.position = mark
                    break
                }
                scanner.advance()
                scanner.skip { $0 == " " || $0 == "\t" }
                challenge.parameters[name.lowercased()] =
                    scanner.peek == "\"" ? scanner.quoted() : (scanner.token() ?? "")
                scanner.skip { $0 == " " || $0 == "\t" }
                if scanner.peek == "," { scanner.advance() }
            }
            challenges.append(challenge)
        }
        return challenges
    }
}

/// A cursor over a header's scalars.
private struct Scanner {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { position >= scalars.count }
    var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }
    mutating func advance() { position += 1 }

    mutating func skip(while matches: (Unicode.Scalar) -> Bool) {
        while let scalar = peek, matches(scalar) { advance() }
    }

    /// RFC 9110's `token` characters (token68's `/` and `=` padding are not needed by registries).
    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return true }
        return "!#$%&'*+-.^_`|~/:".unicodeScalars.contains(scalar)
    }

    mutating func token() -> String? {
        let start = position
        skip(while: Self.isTokenCharacter)
        guard position > start else { return nil }
        return String(String.UnicodeScalarView(scalars[start..<position]))
    }

    /// A quoted string, the opening quote under the cursor; `\x` stands for `x`. An unterminated
    /// one runs to the end.
    mutating func quoted() -> String {
        advance()
        var value = String.UnicodeScalarView()
        while let scalar = peek {
            advance()
            if scalar == "\"" { break }
            if scalar == "\\", let escaped = peek {
                advance()
                value.append(escaped)
            } else {
                value.append(scalar)
            }
        }
        return String(value)
    }
}
