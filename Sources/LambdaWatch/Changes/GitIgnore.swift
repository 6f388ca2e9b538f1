/// One `.gitignore` file's rules, parsed once and matched without touching the disk, so
/// `watch` skips what the project itself says is not source (build output, caches, secrets).
///
/// The subset git users write in practice: blank lines and `#` comments, `!` negation (the last
/// matching rule wins), a trailing `/` for directories only, a leading or middle `/` anchoring
/// the pattern to the file's directory, and the globs `*`, `?`, `**` and `[...]`.
public struct GitIgnore: Sendable, Equatable {
    /// One pattern line.
    public struct Rule: Sendable, Equatable {
        /// `!pattern`: a match re-includes the path.
        public var negated: Bool
        /// `pattern/`: matches directories only.
        public var directoryOnly: Bool
        /// The pattern split at `/`, matched against the path's components from the
        /// `.gitignore`'s directory; an unanchored pattern starts with `**`.
        public var segments: [String]

        /// Whether the rule's pattern matches `components` (a path relative to the `.gitignore`'s directory).
        public func matches(_ components: [Substring], isDirectory: Bool) -> Bool {
            if directoryOnly && !isDirectory { return false }
            return Glob.match(segments[...], components[...])
        }
    }

    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// The rules of a `.gitignore` file's text; lines that hold no pattern are skipped.
    public init(parsing text: String) {
        rules = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).compactMap { Self.rule(String($0)) }
    }

    /// `true` when the last matching rule ignores `relativePath`, `false` when it re-includes it,
    /// `nil` when no rule matches (so an outer `.gitignore` decides).
    public func decision(for relativePath: String, isDirectory: Bool) -> Bool? {
        let components = relativePath.split(separator: "/")
        guard !components.isEmpty else { return nil }
        for rule in rules.reversed() where rule.matches(components, isDirectory: isDirectory) {
            return !rule.negated
        }
        return nil
    }

    /// Whether this file alone ignores `relativePath` (its parent directories are not consulted).
    public func isIgnored(_ relativePath: String, isDirectory: Bool) -> Bool {
        decision(for: relativePath, isDirectory: isDirectory) ?? false
    }

    static func rule(_ line: String) -> Rule? {
        var pattern = Substring(line)
        if pattern.hasPrefix("#") { return nil }
        pattern = trimmingTrailingSpaces(pattern)
        var negated = false
        if pattern.hasPrefix("!") {
            negated = true
            pattern = pattern.dropFirst()
        } else if pattern.hasPrefix("\\!") || pattern.hasPrefix("\\#") {
            pattern = pattern.dropFirst()
        }
        var directoryOnly = false
        while pattern.hasSuffix("/") {
            directoryOnly = true
            pattern = pattern.dropLast()
        }
        guard !pattern.isEmpty else { return nil }
        let anchored = pattern.contains("/")
        while pattern.hasPrefix("/") { pattern = pattern.dropFirst() }
        var segments = pattern.split(separator: "/").map(String.init)
        guard !segments.isEmpty else { return nil }
        if !anchored { segments.insert("**", at: 0) }
        return Rule(negated: negated, directoryOnly: directoryOnly, segments: segments)
    }

    /// Trailing spaces are dropped unless the last one is escaped with a backslash.
    private static func trimmingTrailingSpaces(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            guard text[before] == " " || text[before] == "\r" || text[before] == "\t" else { break }
            if text[before] == " ", before > text.startIndex, text[text.index(before: before)] == "\\" { break }
            end = before
        }
        return text[..<end]
    }
}
