// Running a built `bootstrap` for one invocation, the way Lambda would start it.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension RuntimeAPIEmulator {
    /// Starts an emulator, runs `executable` in `workingDirectory` with Lambda's environment
    /// (only that, plus PATH and `environment`: a test must not pass because of something in
    /// the developer's shell), sends it `event`, and returns the outcome with the process's
    /// standard error. The process is terminated afterwards.
    ///
    /// Throws `RuntimeAPIEmulatorError.processExitedEarly` if the process ends before posting
    /// an outcome (a missing resource bundle, a missing shared library, an init error), and
    /// `.timedOut` if nothing comes within `timeout`. Standard output is discarded.
    public static func invokeOnce(
        executable: String,
        arguments: [String] = [],
        event: [UInt8],
        workingDirectory: String,
        environment: [String: String] = [:],
        timeout: Duration = .seconds(30)
    ) async throws -> (outcome: InvocationOutcome, stderr: String) {
        let emulator = try RuntimeAPIEmulator()
        defer { emulator.stop() }
        let requestID = emulator.enqueue(event: event)

        var lambdaEnvironment = [
            "AWS_LAMBDA_RUNTIME_API": emulator.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": "test",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "LAMBDA_TASK_ROOT": workingDirectory,
            "_HANDLER": "bootstrap",
            "AWS_REGION": "us-east-1",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
        ]
        lambdaEnvironment.merge(environment) { _, extra in extra }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        process.environment = lambdaEnvironment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errorPipe = Pipe()
        process.standardError = errorPipe
        let stderr = StreamCollector(errorPipe.fileHandleForReading)
        try launch(process)  // also closes our copy of the pipe's write end

        let outcome: InvocationOutcome
        do {
            outcome = try await waitForOutcome(of: requestID, from: emulator, process: process, timeout: timeout, stderr: stderr)
        } catch {
            end(process)
            throw error
        }
        end(process)
        return (outcome, stderr.text(waitingUpTo: .seconds(2)))
    }

    /// Polls for the outcome while watching the process, so an early exit is reported at once
    /// rather than as a timeout.
    private static func waitForOutcome(
        of requestID: String, from emulator: RuntimeAPIEmulator, process: Process, timeout: Duration,
        stderr: StreamCollector
    ) async throws -> InvocationOutcome {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let outcome = emulator.outcome(of: requestID) { return outcome }
            if !process.isRunning {
                // It may have posted just before exiting.
                if let outcome = emulator.outcome(of: requestID) { return outcome }
                throw RuntimeAPIEmulatorError.processExitedEarly(
                    status: process.terminationStatus,
                    uncaughtSignal: process.terminationReason == .uncaughtSignal,
                    stderr: stderr.text(waitingUpTo: .seconds(2)))
            }
            guard ContinuousClock.now < deadline else {
                end(process)
                throw RuntimeAPIEmulatorError.timedOut(
                    requestID: requestID, timeout: timeout, stderr: stderr.text(waitingUpTo: .seconds(2)))
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Runs `process` from a fresh thread with no blocked signals. A child inherits its
    /// spawner's signal mask, and Swift concurrency runs async code on Dispatch worker threads
    /// that block almost every signal: spawned from there, the runtime would ignore SIGTERM
    /// (measured: `SigBlk: fffffffe3bfbea27`), unlike under Lambda.
    private static func launch(_ process: Process) throws {
        let launcher = Launcher(process)
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            launcher.run()
        }
        thread.name = "RuntimeAPIEmulator launcher"
        thread.start()
        try launcher.wait()
    }

    /// SIGTERM, then SIGKILL if the process is still there after two seconds; waits for it.
    private static func end(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        var waited = 0
        while process.isRunning && waited < 200 {
            usleep(10_000)
            waited += 1
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Hands a `Process` to the launcher thread and its `run()` error back.
private final class Launcher: @unchecked Sendable {
    private let process: Process
    private let condition = NSCondition()
    private var done = false
    private var failure: (any Error)?

    init(_ process: Process) { self.process = process }

    func run() {
        var caught: (any Error)?
        do { try process.run() } catch { caught = error }
        condition.lock()
        failure = caught
        done = true
        condition.broadcast()
        condition.unlock()
    }

    func wait() throws {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        if let failure { throw failure }
    }
}

/// Collects everything written to a pipe on a background thread, so a chatty process never
/// blocks on a full pipe, and the text can be taken even if end-of-file never comes (a
/// grandchild may hold the pipe open).
private final class StreamCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var data = Data()
    private var finished = false

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                condition.lock()
                if chunk.isEmpty { finished = true } else { data.append(chunk) }
                condition.broadcast()
                condition.unlock()
                if chunk.isEmpty { return }
            }
        }
        thread.name = "RuntimeAPIEmulator stderr"
        thread.start()
    }

    /// The text so far, after waiting up to `limit` for end-of-file.
    func text(waitingUpTo limit: Duration) -> String {
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !finished && condition.wait(until: deadline) {}
        return String(decoding: data, as: UTF8.self)
    }
}
