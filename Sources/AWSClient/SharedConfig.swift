public import Foundation
import LambdaSupport

/// `~/.aws/credentials` and `~/.aws/config` read as botocore reads them (configparser's INI):
/// `[section]` headers, `key = value` or `key: value` split at the first delimiter, keys
/// lower-cased, values trimmed, whole-line comments starting with `#` or `;` (no inline
/// comments: `region = us-east-1 # prod` is the value `us-east-1 # prod`, as in the AWS CLI), an
/// indented line continuing the value above it (the nested `s3 =` blocks), the last of a repeated
/// key winning. In the config file `[profile NAME]` is profile NAME and `[default]` is `default`.
public struct AWSSharedConfig: Sendable, Equatable {
    /// One profile as the two files give it: the config file's keys overlaid by the credentials
    /// file's (botocore's merge), with each file's section kept for the sources that care.
    public struct Profile: Sendable, Equatable {
        public var name: String
        public var credentialsFile: [String: String]
        public var configFile: [String: String]

        public subscript(key: String) -> String? {
            let value = credentialsFile[key] ?? configFile[key]
            return value?.isEmpty == false ? value : nil
        }
    }

    public var credentialsPath: String
    public var configPath: String
    /// Profile name to keys, per file; a file that does not exist is empty.
    public var credentialsSections: [String: [String: String]]
    public var configSections: [String: [String: String]]

    /// The paths from `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` (a leading `~` is
    /// `home`), else `home/.aws/credentials` and `home/.aws/config`; both read with `readFile`.
    public static func load(
        environment: [String: String], home: String, readFile: @Sendable (String) throws -> Data?
    ) throws -> AWSSharedConfig {
        let credentialsPath = expandingTilde(environment["AWS_SHARED_CREDENTIALS_FILE"].nonEmpty ?? "~/.aws/credentials", home: home)
        let configPath = expandingTilde(environment["AWS_CONFIG_FILE"].nonEmpty ?? "~/.aws/config", home: home)
        func sections(_ path: String) throws -> [String: [String: String]] {
            let data: Data?
            do {
                data = try readFile(path)
            } catch {
                throw AWSError.credentialSource(source: path, reason: "cannot be read (\(error)); fix its permissions or point the variable elsewhere")
            }
            guard let data else { return [:] }
            return try INIFile.parse(String(decoding: data, as: UTF8.self), path: path)
        }
        var profiles: [String: [String: String]] = [:]
        for (section, keys) in try sections(configPath) {
            if section == "default" {
                profiles["default", default: [:]].merge(keys) { $1 }
            } else if section.hasPrefix("profile") {
                let words = section.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if words.count == 2, words[0] == "profile" { profiles[String(words[1]), default: [:]].merge(keys) { $1 } }
            }
        }
        return AWSSharedConfig(
            credentialsPath: credentialsPath, configPath: configPath, credentialsSections: try sections(credentialsPath),
            configSections: profiles)
    }

    public func profile(_ name: String) -> Profile? {
        let credentials = credentialsSections[name]
        let config = configSections[name]
        guard credentials != nil || config != nil else { return nil }
        return Profile(name: name, credentialsFile: credentials ?? [:], configFile: config ?? [:])
    }

    /// Every profile either file names, sorted: for the error that a profile is missing.
    public var profileNames: [String] { Set(credentialsSections.keys).union(configSections.keys).sorted() }

    /// `~` or `~/...` resolved against `home`, as `os.path.expanduser` does for botocore.
    static func expandingTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return (home.hasSuffix("/") ? String(home.dropLast()) : home) + path.dropFirst() }
        return path
    }
}

/// The INI dialect of the AWS shared files (see `AWSSharedConfig`).
enum INIFile {
    static func parse(_ text: String, path: String) throws -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var section: String?
        var lastKey: String?
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = String(rawLine)
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if let first = line.first, first == " " || first == "\t", let section, let key = lastKey {
                sections[section, default: [:]][key, default: ""] += "\n" + trimmed
                continue
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else {
                    throw syntax(path, line: index + 1, "a section header without its closing ']'")
                }
                // Kept as written: configparser does not trim inside the brackets.
                let name = String(trimmed.dropFirst().dropLast())
                section = name
                lastKey = nil
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let section else { throw syntax(path, line: index + 1, "a setting before any [section]") }
            guard let delimiter = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw syntax(path, line: index + 1, "a line that is neither '[section]' nor 'key = value'")
            }
            let key = String(trimmed[..<delimiter]).trimmingWhitespace.lowercased()
            sections[section, default: [:]][key] = String(trimmed[trimmed.index(after: delimiter)...]).trimmingWhitespace
            lastKey = key
        }
        return sections
    }

    static func syntax(_ path: String, line: Int, _ what: String) -> AWSError {
        .credentialSource(source: path, reason: "line \(line) is \(what); fix the file (it is INI: [section] then key = value lines)")
    }
}

extension Optional where Wrapped == String {
    /// The value when set and not empty: the SDKs read an empty variable as unset.
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
