import Foundation

/// `--env-file` and `--env`: `KEY=VALUE`, one per line in a file (`#` comments and blank lines
/// skipped, spaces around the value trimmed, `export ` and matching quotes around the value
/// allowed, as dotenv files write them). `--env` values are taken exactly as given.
public enum EnvironmentFile {
    public static func parse(_ text: String, path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            // "\r\n" is one Character, so CRLF files split as LF ones do.
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let (key, value) = pair(line) else {
                throw ConfigError.badEnvironmentLine(path: path, line: index + 1, text: line)
            }
            values[key] = unquoted(value.trimmingCharacters(in: .whitespaces))
        }
        return values
    }

    public static func load(_ path: String) throws -> [String: String] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError.unreadableEnvironmentFile(path: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// `--env KEY=VALUE` and `--tag KEY=VALUE`, in order (a later one wins).
    public static func pairs(_ values: [String], flag: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for value in values {
            guard let (key, text) = pair(value) else { throw ConfigError.badPair(flag: flag, value: value) }
            result[key] = text
        }
        return result
    }

    static func pair(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !key.contains(" ") else { return nil }
        return (key, String(text[text.index(after: equals)...]))
    }

    /// A value in matching quotes loses them (and keeps what is inside, spaces and `#` included).
    static func unquoted(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}
