import Foundation

/// `--color auto|always|never` on build, invoke and serve: whether `error:` and `warning:`
/// are coloured. The one decision every command's output takes.
public enum ColourMode: String, Sendable, Equatable, CaseIterable {
    case auto
    case always
    case never

    /// `always` and `never` are what was asked (a flag overrides `NO_COLOR`, as no-color.org
    /// says); `auto` colours a terminal unless `NO_COLOR` is set or `TERM` is `dumb`.
    public func usesColour(environment: [String: String], isTerminal: Bool) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
    }

    /// The decision for standard error of this process.
    public func usesColourOnStandardError(environment: [String: String]) -> Bool {
        usesColour(environment: environment, isTerminal: isatty(STDERR_FILENO) == 1)
    }

    /// `line` with its `error:` (red) or `warning:` (yellow) prefix coloured when `colour` is on.
    public static func styled(_ line: String, colour: Bool) -> String {
        guard colour else { return line }
        for (prefix, code) in [("error:", "1;31"), ("warning:", "1;33")] where line.hasPrefix(prefix) {
            return "\u{1B}[\(code)m\(prefix)\u{1B}[0m" + line.dropFirst(prefix.count)
        }
        return line
    }
}
