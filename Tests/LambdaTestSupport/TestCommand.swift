import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a command run by a test printed, and how it ended.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
    /// The watchdog killed it: it ran longer than the test allowed (see `TestCommand.run`).
    public var timedOut = false

    public init(status: Int32, standardOutput: String, standardError: String, timedOut: Bool = false) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.timedOut = timedOut
    }
}

public enum TestCommand {
    /// Runs `executable` with `arguments` in `directory` (default: the current one) and waits.
    /// Output goes to files, so a chatty child never blocks on a full pipe; standard input is
    /// empty. With a `timeout`, a watchdog kills the command (SIGKILL) when it is still running
    /// then, and the result says so: a test of something that used to hang ends either way.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil, timeout: Duration? = nil
    ) throws -> CommandResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-lambda-out-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = "\(scratch)/stdout", errPath = "\(scratch)/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = Watchdog()
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout / .milliseconds(1)))) {
                watchdog.fire { kill(pid, SIGKILL) }
            }
        }
        process.waitUntilExit()
        let timedOut = watchdog.finish()
        // Decoded leniently: a stray byte that is not UTF-8 must not hide the rest of the output.
        let text = { (path: String) in FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        return CommandResult(
            status: process.terminationStatus, standardOutput: text(outPath), standardError: text(errPath), timedOut: timedOut)
    }
}

/// Fires at most once, and never after `finish`: a watchdog that must not kill a process id
/// that has been reaped (and may be reused).
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false
    private var fired = false

    func fire(_ action: () -> Void) {
        lock.withLock {
            guard !finished else { return }
            fired = true
            action()
        }
    }

    /// Whether it fired.
    func finish() -> Bool {
        lock.withLock {
            finished = true
            return fired
        }
    }
}
