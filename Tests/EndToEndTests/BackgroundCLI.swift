import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `swift-lambda` running in the background (`serve`), its output in files the test
/// reads while it runs; interrupted like a user's Ctrl-C.
final class BackgroundCLI: @unchecked Sendable {
    let process = Process()
    let outputPath: String
    let errorPath: String

    init(_ arguments: [String], in directory: String, environment: [String: String]? = nil) throws {
        let scratch = try Harness.temporaryDirectory(prefix: "bg")
        outputPath = "\(scratch)/stdout"
        errorPath = "\(scratch)/stderr"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Harness.executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    var pid: Int32 { process.processIdentifier }
    var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Waits (up to `limit`) for a line of standard output or error that `match` accepts.
    func waitForLine(
        on stream: KeyPath<BackgroundCLI, String> = \.standardError, within limit: Duration = .seconds(60),
        _ match: (String) -> Bool
    ) async throws -> String {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let line = self[keyPath: stream].split(separator: "\n").map(String.init).first(where: match) { return line }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if let line = self[keyPath: stream].split(separator: "\n").map(String.init).first(where: match) { return line }
        throw BackgroundFailure(description: "no matching line; stdout:\n\(standardOutput)\nstderr:\n\(standardError)")
    }

    /// The `host:port` a `serve` printed.
    func endpoint() async throws -> String {
        let line = try await waitForLine(on: \.standardOutput) { $0.hasPrefix("AWS_LAMBDA_RUNTIME_API=") }
        return String(line.dropFirst("AWS_LAMBDA_RUNTIME_API=".count))
    }

    /// SIGINT, as Ctrl-C sends (or `signal`), then the exit status.
    func interrupt(with signal: Int32 = SIGINT) async throws -> Int32 {
        kill(pid, signal)
        return try await exitStatus()
    }

    /// The exit status once the process has ended (the test fails after `limit`).
    func exitStatus(within limit: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try #require(!process.isRunning, "still running")
        return process.terminationStatus
    }
}

struct BackgroundFailure: Error, CustomStringConvertible {
    var description: String
}

/// The open descriptors of a process, from /proc.
func openDescriptorCount(_ pid: Int32) -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
}

/// Whether a process is gone (or only a zombie waiting for a parent that is not ours to reap it).
func isGone(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return true }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
}

/// The process id a fixture runtime wrote to its PID_FILE.
func pid(in file: String) -> Int32? {
    (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
}
