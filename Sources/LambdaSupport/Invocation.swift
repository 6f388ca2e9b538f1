/// A command to run, as a value: built by planners and backends, asserted on
/// by tests, and executed only by a `ProcessRunning`. Never a shell string.
public struct Invocation: Sendable, Hashable {
    /// An absolute path, or a bare name looked up on `PATH` when run.
    public var executable: String
    public var arguments: [String]
    /// Variables set (or, with `nil`, removed) on top of the inherited environment.
    public var environment: [String: String?]
    /// Where the process starts; `nil` keeps the caller's directory.
    public var workingDirectory: String?

    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String?] = [:],
        workingDirectory: String? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The command as a person would type it in a POSIX shell, quoted where
    /// needed; for `--dry-run`, `-v` and error messages, never for execution.
    public var commandLine: String {
        let assignments = environment.keys.sorted().map { key in
            if let value = environment[key] ?? nil { return "\(key)=\(Self.shellQuoted(value))" }
            return "-u \(key)"
        }
        let prefix = assignments.isEmpty ? [] : ["env"] + assignments
        let words = prefix + ([executable] + arguments).map(Self.shellQuoted)
        let line = words.joined(separator: " ")
        if let workingDirectory { return "(cd \(Self.shellQuoted(workingDirectory)) && \(line))" }
        return line
    }

    static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./=:,+@%".unicodeScalars.contains(scalar)
        }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
