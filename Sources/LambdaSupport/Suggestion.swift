/// "Did you mean ...?" for every name a person types: subcommands,
/// `swift-lambda.toml` keys, `SWIFT_LAMBDA_*` variables. One measure for all,
/// so the same typo gets the same answer wherever it is made.
public enum Suggestion {
    /// The candidate closest to `word` (case-insensitive Levenshtein distance),
    /// when it is close enough to be the likely intent: at most a third of the
    /// longer name's length, and at least 1 edit (so `relese` finds `release`,
    /// `deploy` finds nothing among `build`, `functions`, `workspace`).
    /// Ties go to the first candidate in `candidates`' order.
    public static func nearest(to word: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            let allowed = max(1, max(word.count, candidate.count) / 3)
            guard distance <= allowed, distance < (best?.distance ?? .max) else { continue }
            best = (candidate, distance)
        }
        return best?.candidate
    }

    /// Insertions, deletions, substitutions and adjacent transpositions
    /// (`biuld` is one edit from `build`) needed to turn `a` into `b`.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previousRow: [Int] = []
        var row = Array(0...b.count)
        for i in 1...a.count {
            let beforePrevious = previousRow
            previousRow = row
            row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], beforePrevious[j - 2] + 1)
                }
            }
        }
        return row[b.count]
    }
}

/// A command line that names no subcommand of the tool.
public enum CommandLineError: Error, Sendable, Equatable {
    case unknownSubcommand(String, suggestion: String?, known: [String])

    /// Throws when the first argument is neither an option nor one of `known`:
    /// the root command takes no arguments of its own, so it can only be a
    /// mistyped subcommand.
    public static func checkSubcommand(_ arguments: [String], known: [String]) throws {
        guard let first = arguments.first, !first.hasPrefix("-"), !known.contains(first) else { return }
        throw unknownSubcommand(first, suggestion: Suggestion.nearest(to: first, among: known), known: known)
    }
}

extension CommandLineError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownSubcommand(let name, let suggestion?, _):
            return "unknown subcommand '\(name)'; did you mean '\(suggestion)'?"
        case .unknownSubcommand(let name, nil, let known):
            return "unknown subcommand '\(name)'; use one of: \(known.joined(separator: ", "))"
        }
    }
}
