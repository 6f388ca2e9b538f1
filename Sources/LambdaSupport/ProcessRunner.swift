import Subprocess
import SystemPackage

/// Where a streamed child's output goes.
public enum OutputDestination: Sendable {
    /// Both of the child's streams go to this process's standard error, so
    /// standard output stays free for results (summaries, JSON).
    case standardError
    /// The child's streams go where this process's streams go.
    case inherited
}

/// What a captured run produced.
public struct CapturedOutput: Sendable {
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]

    public init(standardOutput: [UInt8], standardError: [UInt8]) {
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Output decoded leniently: invalid UTF-8 becomes U+FFFD instead of failing.
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}

/// Runs invocations. Libraries depend on this protocol so tests can inject
/// a recorder; the real implementation is `SubprocessRunner`.
public protocol ProcessRunning: Sendable {
    /// Runs with the child's output passed through live. A non-zero exit
    /// throws `ProcessError.failed`.
    func stream(_ invocation: Invocation, to destination: OutputDestination) async throws
    /// Runs and collects both streams. A non-zero exit throws
    /// `ProcessError.failed` carrying what the child wrote to standard error.
    func capture(_ invocation: Invocation) async throws -> CapturedOutput
}

/// Why a child process did not succeed.
public enum ProcessError: Error, Sendable, Equatable {
    case executableNotFound(name: String, searchPath: String)
    case launchFailed(Invocation, reason: String)
    /// Exited non-zero (`status`) or was killed (`signal`).
    case failed(Invocation, status: Int32?, signal: Int32?, standardError: String)

    /// The status this tool should exit with to pass the child's verdict on.
    public var exitStatus: Int32 {
        switch self {
        case .failed(_, let status?, _, _): return status
        case .failed(_, _, let signal?, _): return 128 + signal
        default: return 1
        }
    }
}

extension ProcessError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .executableNotFound(let name, let searchPath):
            return "'\(name)' was not found on PATH (\(searchPath)); install it or add its directory to PATH"
        case .launchFailed(let invocation, let reason):
            return "could not start '\(invocation.commandLine)': \(reason)"
        case .failed(let invocation, let status, let signal, let standardError):
            let verdict = status.map { "exited with status \($0)" } ?? "was killed by signal \(signal ?? 0)"
            let detail = standardError.trimmingWhitespace
            return "'\(invocation.commandLine)' \(verdict)" + (detail.isEmpty ? "" : ":\n\(detail)")
        }
    }
}

/// The real runner, over swift-subprocess.
public struct SubprocessRunner: ProcessRunning {
    /// The environment executables are resolved against (its `PATH`).
    public var environment: [String: String]
    /// At most this much captured output is kept per stream.
    public var captureLimit: Int

    public init(environment: [String: String], captureLimit: Int = 256 * 1024 * 1024) {
        self.environment = environment
        self.captureLimit = captureLimit
    }

    public func stream(_ invocation: Invocation, to destination: OutputDestination) async throws {
        let configuration = try configuration(for: invocation)
        let status: TerminationStatus
        do {
            switch destination {
            case .standardError:
                status = try await run(
                    configuration, output: .currentStandardError, error: .currentStandardError
                ).terminationStatus
            case .inherited:
                status = try await run(
                    configuration, output: .currentStandardOutput, error: .currentStandardError
                ).terminationStatus
            }
        } catch let error as SubprocessError {
            throw ProcessError.launchFailed(invocation, reason: "\(error)")
        }
        try check(status, of: invocation, standardError: "")
    }

    public func capture(_ invocation: Invocation) async throws -> CapturedOutput {
        let configuration = try configuration(for: invocation)
        let result: ExecutionResult<Void, BytesOutput, BytesOutput>
        do {
            result = try await run(
                configuration, output: .bytes(limit: captureLimit), error: .bytes(limit: captureLimit)
            )
        } catch let error as SubprocessError {
            throw ProcessError.launchFailed(invocation, reason: "\(error)")
        }
        let output = CapturedOutput(standardOutput: result.standardOutput, standardError: result.standardError)
        try check(result.terminationStatus, of: invocation, standardError: output.standardErrorText)
        return output
    }

    private func configuration(for invocation: Invocation) throws -> Configuration {
        let path = try ExecutableLookup(environment: environment).resolve(invocation.executable)
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in invocation.environment {
            guard let key = Environment.Key(rawValue: key) else { continue }
            overrides[key] = value
        }
        return Configuration(
            executable: .path(FilePath(path)),
            arguments: Arguments(invocation.arguments),
            environment: .inherit.updating(overrides),
            workingDirectory: invocation.workingDirectory.map { FilePath($0) }
        )
    }

    private func check(_ status: TerminationStatus, of invocation: Invocation, standardError: String) throws {
        switch status {
        case .exited(0):
            return
        case .exited(let code):
            throw ProcessError.failed(invocation, status: code, signal: nil, standardError: standardError)
        case .signaled(let signal):
            throw ProcessError.failed(invocation, status: nil, signal: signal, standardError: standardError)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and newlines.
    public var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
