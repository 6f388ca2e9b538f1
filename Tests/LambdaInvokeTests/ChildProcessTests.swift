import Foundation
import LambdaSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The posix_spawn runner for long-running children: exact environment, no inherited
/// descriptors or blocked signals, statuses and signals, and the group swept on exit.
@Suite struct ChildProcessTests {
    func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func shell(_ script: String, output: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"]) throws -> ChildProcess {
        try ChildProcess.spawn(ChildSpec(executable: "/bin/sh", arguments: ["-c", script], environment: environment, output: .file(output)))
    }

    @Test func exitStatusesAndSignalsAreReported() async throws {
        let directory = try scratch()
        #expect(try await shell("exit 7", output: "\(directory)/out").waitForExit() == .exited(7))
        #expect(try await shell("kill -SEGV $$", output: "\(directory)/out").waitForExit() == .signaled(SIGSEGV))
        #expect("\(Termination.signaled(SIGSEGV))" == "was killed by signal 11 (SIGSEGV)")
    }

    @Test func theChildSeesExactlyItsEnvironmentNoBlockedSignalsAndNoExtraDescriptors() async throws {
        let directory = try scratch()
        let output = "\(directory)/out"
        let child = try shell(
            "env; grep -E '^Sig(Blk|Ign)' /proc/self/status; ls /proc/self/fd; pwd", output: output,
            environment: ["PATH": "/usr/bin:/bin", "ONLY": "this"])
        #expect(try await child.waitForExit() == .exited(0))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init)
        let environment = lines.filter { $0.contains("=") }
        #expect(environment.contains("ONLY=this"))
        #expect(!environment.contains { $0.hasPrefix("HOME=") })
        // The test process blocks signals on its threads and ignores SIGPIPE; the child must not
        // (signals 1-31: the real-time ones above belong to the C library's own threading).
        #expect(lines.contains("SigBlk:\t0000000000000000"))
        let ignored = lines.first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
        #expect(ignored.map { $0 & 0x7FFF_FFFF } == 0)
        // 0, 1, 2 and the descriptor ls reads /proc/self/fd through: nothing of this process.
        let descriptors = lines.filter { $0.allSatisfy(\.isNumber) }
        #expect(descriptors == ["0", "1", "2", "3"])
    }

    @Test func stopEscalatesToSIGKILLAndSweepsTheGroup() async throws {
        let directory = try scratch()
        let pidFile = "\(directory)/grandchild"
        // Ignores SIGTERM and leaves a grandchild behind in its group.
        let child = try shell("trap '' TERM; sleep 300 & echo $! > \(pidFile); wait", output: "\(directory)/out")
        var grandchild: Int32 = 0
        for _ in 0..<500 where grandchild == 0 {
            grandchild = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            if grandchild == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        try #require(grandchild > 0)
        let termination = await child.stop(signal: SIGTERM, grace: .milliseconds(200))
        #expect(termination == .signaled(SIGKILL))
        #expect(child.termination == termination)
        // The grandchild was killed with the group (it is gone, or a zombie awaiting its new parent).
        var alive = kill(grandchild, 0) == 0
        for _ in 0..<200 where alive && !isZombie(grandchild) {
            try await Task.sleep(for: .milliseconds(10))
            alive = kill(grandchild, 0) == 0
        }
        #expect(!alive || isZombie(grandchild))
    }

    @Test func waitingCanBeCancelledWithoutTouchingTheChild() async throws {
        let directory = try scratch()
        let child = try shell("sleep 300", output: "\(directory)/out")
        let waiter = Task { try await child.waitForExit() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(child.termination == nil)
        #expect(await child.stop(signal: SIGTERM, grace: .seconds(5)) == .signaled(SIGTERM))
    }

    @Test func aMissingExecutableIsALaunchFailure() throws {
        #expect(throws: ProcessError.self) {
            try ChildProcess.spawn(ChildSpec(executable: "/nonexistent/bootstrap", environment: [:], output: .discarded))
        }
    }

    func isZombie(_ pid: Int32) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}
