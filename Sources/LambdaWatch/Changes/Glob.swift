/// Gitignore globs over path components: `**` spans whole components, the other wildcards stay
/// inside one component (`*` and `?` never match `/`).
enum Glob {
    /// Whether `segments` matches all of `components`. A `**` segment matches any number of
    /// components, except a trailing one, which needs at least one ("everything inside").
    static func match(_ segments: ArraySlice<String>, _ components: ArraySlice<Substring>) -> Bool {
        guard let segment = segments.first else { return components.isEmpty }
        let rest = segments.dropFirst()
        if segment == "**" {
            if rest.isEmpty { return !components.isEmpty }
            var remaining = components
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let component = components.first, matchComponent(Array(segment), Array(component)) else { return false }
        return match(rest, components.dropFirst())
    }

    /// `fnmatch` for one component: `*`, `?`, `[abc]`, `[a-z]`, `[!a]`/`[^a]` and `\` escapes.
    static func matchComponent(_ pattern: [Character], _ name: [Character]) -> Bool {
        matchComponent(pattern[...], name[...])
    }

    private static func matchComponent(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        var pattern = pattern
        var name = name
        while let head = pattern.first {
            switch head {
            case "*":
                let rest = pattern.drop(while: { $0 == "*" })
                if rest.isEmpty { return true }
                var tail = name
                while true {
                    if matchComponent(rest, tail) { return true }
                    guard !tail.isEmpty else { return false }
                    tail = tail.dropFirst()
                }
            case "?":
                guard !name.isEmpty else { return false }
                pattern = pattern.dropFirst()
                name = name.dropFirst()
            case "[":
                guard let character = name.first else { return false }
                if let (matched, rest) = matchClass(pattern.dropFirst(), character) {
                    guard matched else { return false }
                    pattern = rest
                } else {
                    // An unterminated class is a literal `[`.
                    guard character == "[" else { return false }
                    pattern = pattern.dropFirst()
                }
                name = name.dropFirst()
            default:
                var literal = head
                if head == "\\", pattern.count > 1 {
                    pattern = pattern.dropFirst()
                    literal = pattern.first!
                }
                guard name.first == literal else { return false }
                pattern = pattern.dropFirst()
                name = name.dropFirst()
            }
        }
        return name.isEmpty
    }

    /// Whether `character` is in the class that starts at `pattern` (just after `[`), and the
    /// pattern after the closing `]`; `nil` when the class is not closed.
    private static func matchClass(_ pattern: ArraySlice<Character>, _ character: Character) -> (Bool, ArraySlice<Character>)? {
        var rest = pattern
        var inverted = false
        if let first = rest.first, first == "!" || first == "^" {
            inverted = true
            rest = rest.dropFirst()
        }
        var matched = false
        var isFirst = true
        while let member = rest.first {
            if member == "]" && !isFirst {
                return (matched != inverted, rest.dropFirst())
            }
            isFirst = false
            var low = member
            rest = rest.dropFirst()
            if low == "\\", let escaped = rest.first {
                low = escaped
                rest = rest.dropFirst()
            }
            if rest.count >= 2, rest.first == "-", let high = rest.dropFirst().first, high != "]" {
                if low <= character && character <= high { matched = true }
                rest = rest.dropFirst(2)
            } else if low == character {
                matched = true
            }
        }
        return nil
    }
}
