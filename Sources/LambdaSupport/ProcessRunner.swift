import CSystemShims
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

/// The real runner. Its children are `ChildProcess`es (CSystemShims' spawn): each leads a process
/// group of its own, so an interrupt can be passed on to all it started (`ChildProcess.stopAll`),
/// and on Linux each dies with this process, SIGKILL included. swift-subprocess 1.0.2 offers
/// neither a process-group-wide stop nor a way to set the parent-death signal on Linux.
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
        let spec = try childSpec(for: invocation)
        let child = try ChildProcess.spawn(spec, standardOutput: destination == .standardError ? 2 : 1, standardError: 2)
        try check(await wait(for: child), of: invocation, standardError: "")
    }

    public func capture(_ invocation: Invocation) async throws -> CapturedOutput {
        let spec = try childSpec(for: invocation)
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard swift_lambda_pipe(&output) == 0 else { throw ProcessError.launchFailed(invocation, reason: "pipe: \(errnoText(errno))") }
        guard swift_lambda_pipe(&errors) == 0 else {
            output.forEach { close($0) }
            throw ProcessError.launchFailed(invocation, reason: "pipe: \(errnoText(errno))")
        }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(spec, standardOutput: output[1], standardError: errors[1])
        } catch {
            (output + errors).forEach { close($0) }
            throw error
        }
        close(output[1])
        close(errors[1])
        // Read on a thread of its own until both pipes close: a child writing more than a pipe
        // holds would otherwise block before it exits.
        async let streams = Self.readToEnd(output[0], errors[0], limit: captureLimit)
        let termination: Termination
        do {
            termination = try await wait(for: child)
        } catch {
            _ = await streams
            throw error
        }
        let (standardOutput, standardError) = await streams
        let captured = CapturedOutput(standardOutput: standardOutput, standardError: standardError)
        try check(termination, of: invocation, standardError: captured.standardErrorText)
        return captured
    }

    /// The child's end; a cancelled task stops it (SIGTERM, SIGKILL after 2 s) before throwing.
    private func wait(for child: ChildProcess) async throws -> Termination {
        do {
            return try await child.waitForExit()
        } catch {
            await child.stop(signal: SIGTERM, grace: .seconds(2))
            throw error
        }
    }

    private func childSpec(for invocation: Invocation) throws -> ChildSpec {
        let path = try ExecutableLookup(environment: environment).resolve(invocation.executable)
        var environment = ChildEnvironment.stable(
            ProcessInfo.processInfo.environment, workingDirectory: invocation.workingDirectory)
        for (key, value) in invocation.environment { environment[key] = value }
        return ChildSpec(
            executable: path, arguments: invocation.arguments, environment: environment,
            workingDirectory: invocation.workingDirectory)
    }

    private func check(_ termination: Termination, of invocation: Invocation, standardError: String) throws {
        switch termination {
        case .exited(0):
            return
        case .exited(let code):
            throw ProcessError.failed(invocation, status: code, signal: nil, standardError: standardError)
        case .signaled(let signal):
            throw ProcessError.failed(invocation, status: nil, signal: signal, standardError: standardError)
        }
    }

    /// Both descriptors read to their end (and closed), keeping at most `limit` bytes of each.
    private static func readToEnd(_ first: Int32, _ second: Int32, limit: Int) async -> ([UInt8], [UInt8]) {
        await withCheckedContinuation { continuation in
            let reader = Thread {
                var buffers: [[UInt8]] = [[], []]
                var descriptors = [pollfd(fd: first, events: Int16(POLLIN), revents: 0), pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
                var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                while descriptors.contains(where: { $0.fd >= 0 }) {
                    if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                        if errno == EINTR { continue }
                        break
                    }
                    for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                        let count = chunk.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                        if count < 0 && errno == EINTR { continue }
                        if count <= 0 {
                            close(descriptors[index].fd)
                            descriptors[index].fd = -1
                        } else if buffers[index].count < limit {
                            buffers[index].append(contentsOf: chunk[0..<min(count, limit - buffers[index].count)])
                        }
                    }
                }
                for descriptor in descriptors where descriptor.fd >= 0 { close(descriptor.fd) }
                continuation.resume(returning: (buffers[0], buffers[1]))
            }
            reader.name = "swift-lambda output reader"
            reader.start()
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

/// The variables a child starts with: this process's, less the shell's bookkeeping (`OLDPWD`,
/// `_` and `SHLVL` change with every `cd`, command and nested shell, and no compiler reads them),
/// and with `PWD` naming the directory the child starts in, as a shell's `cd` would. SwiftPM
/// plans its whole build again whenever any variable differs from its last build's (0.45 s on a
/// package of 100 functions, `Benchmarks/list.sh`), so without this a build run after a `cd`, or
/// from a script instead of the prompt, re-planned although nothing it builds from had changed.
public enum ChildEnvironment {
    public static let shellBookkeeping: Set<String> = ["OLDPWD", "_", "SHLVL"]

    public static func stable(_ inherited: [String: String], workingDirectory: String?) -> [String: String] {
        var environment = inherited.filter { !shellBookkeeping.contains($0.key) }
        if let workingDirectory, workingDirectory.hasPrefix("/") { environment["PWD"] = workingDirectory }
        return environment
    }
}
