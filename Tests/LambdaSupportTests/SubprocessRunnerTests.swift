import Foundation
import Testing

@testable import LambdaSupport

/// The runner over `ChildProcess`: what swift-subprocess did, with process groups and the
/// parent-death signal.
@Suite struct SubprocessRunnerTests {
    let runner = SubprocessRunner(environment: ProcessInfo.processInfo.environment)

    @Test func capturesBothStreamsBeyondAPipesCapacity() async throws {
        let output = try await runner.capture(
            Invocation(executable: "sh", arguments: ["-c", "head -c 300000 /dev/zero; echo oops >&2"]))
        #expect(output.standardOutput.count == 300_000)
        #expect(output.standardErrorText == "oops\n")
    }

    @Test func passesTheEnvironmentAndStatusOn() async throws {
        let output = try await runner.capture(
            Invocation(executable: "sh", arguments: ["-c", "echo $X; pwd"], environment: ["X": "set"], workingDirectory: "/"))
        #expect(output.standardOutputText == "set\n/\n")
        await #expect(throws: ProcessError.failed(Invocation(executable: "sh", arguments: ["-c", "echo no >&2; exit 3"]), status: 3, signal: nil, standardError: "no\n")) {
            _ = try await runner.capture(Invocation(executable: "sh", arguments: ["-c", "echo no >&2; exit 3"]))
        }
        await #expect(throws: ProcessError.self) {
            try await runner.stream(Invocation(executable: "/nonexistent/tool"), to: .standardError)
        }
    }

    @Test func cancellingStopsTheChild() async throws {
        let task = Task { try await runner.stream(Invocation(executable: "sleep", arguments: ["600"]), to: .standardError) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
