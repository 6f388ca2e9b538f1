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

    /// SwiftPM re-plans a build when any variable differs, so a child never sees the shell's
    /// bookkeeping, and its `PWD` is where it starts, whichever directory swift-lambda ran in.
    @Test func childrenGetTheSameVariablesFromAnyDirectory() async throws {
        let inherited = ["OLDPWD": "/somewhere", "_": "/usr/bin/swift-lambda", "SHLVL": "3", "PWD": "/home/me", "PATH": "/bin", "CC": "clang"]
        #expect(ChildEnvironment.stable(inherited, workingDirectory: "/work/pkg") == ["PWD": "/work/pkg", "PATH": "/bin", "CC": "clang"])
        #expect(ChildEnvironment.stable(inherited, workingDirectory: nil) == ["PWD": "/home/me", "PATH": "/bin", "CC": "clang"])
        #expect(ChildEnvironment.stable(inherited, workingDirectory: "relative")["PWD"] == "/home/me")

        let printed = try await runner.capture(Invocation(executable: "env", workingDirectory: "/tmp")).standardOutputText
        let names = Set(printed.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        #expect(names.isDisjoint(with: ChildEnvironment.shellBookkeeping), "\(printed)")
        #expect(printed.split(separator: "\n").contains("PWD=/tmp"), "\(printed)")
    }

    @Test func cancellingStopsTheChild() async throws {
        let task = Task { try await runner.stream(Invocation(executable: "sleep", arguments: ["600"]), to: .standardError) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
