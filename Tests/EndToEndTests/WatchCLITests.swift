import Foundation
import LambdaTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `swift-lambda watch` as a user runs it, on a copy of the Examples (three functions over one
/// shared runtime target, plus the extension template as a fourth product): one build and one watch process for the whole story, so CI pays for
/// one debug build and a few incremental ones.
@Suite struct WatchCLITests {
    @Test func servesEveryFunctionReloadsEditsSurvivesABrokenOneAndStopsCleanly() async throws {
        let package = try Harness.copyPackage("\(Harness.repositoryRoot)/Examples", named: "watched")
        try addExtension(to: package)
        let watch = try BackgroundCLI(["watch", "--port", "0", "--extension", "audit-log"], in: package)
        defer { if watch.process.isRunning { kill(watch.pid, SIGKILL) } }
        let listening = try await watch.waitForLine(within: .seconds(600)) { $0.hasPrefix("watch: 3 functions on http://") }
        let port = try #require(Int(listening.split(separator: ":").last?.split(separator: " ").first ?? ""))
        _ = try await watch.waitForLine { $0.hasPrefix("watching ") }

        // Every function answers on the one port, through the invoke API and its URL.
        #expect(try await greet(port) == "Hello, Ada!")
        let echoed = try await RawHTTP.request("POST", "/2015-03-31/functions/echo/invocations", port: port, body: Array(#"[1,2]"#.utf8))
        #expect(echoed.text == "[1,2]")
        let url = try await RawHTTP.request("GET", "/lambda-url/echo/a/b?q=1", port: port)
        #expect(url.status == 200)
        #expect(url.json?["rawPath"] as? String == "/a/b")
        #expect(url.json?["rawQueryString"] as? String == "q=1")
        let unknown = try await RawHTTP.request("POST", "/2015-03-31/functions/nope/invocations", port: port, body: Array("{}".utf8))
        #expect(unknown.status == 404)
        #expect(unknown.text.contains("this watch serves: echo, greeter, quotes"))
        // invoke --remote against it: a loopback endpoint needs no region or credentials.
        let remote = try await Harness.runOffThePool(
            ["invoke", "echo", "--remote", "--endpoint-url", "http://127.0.0.1:\(port)", "--data", "[3]"], in: package)
        #expect(remote.status == 0, "\(remote.standardError)")
        #expect(remote.standardOutput == "[3]\n")
        let firstGreeter = try await latestPID(of: "greeter", in: watch)
        let firstEcho = try await latestPID(of: "echo", in: watch)
        // The extension runs beside each environment and sees its invocations.
        _ = try await watch.waitForLine { $0.hasPrefix("[greeter] [audit-log] invoke ") }
        _ = try await watch.waitForLine { $0.hasPrefix("[echo] [audit-log] invoke ") }

        // A source edit is answered with the new code, with no restart of watch.
        let greeter = "\(package)/Sources/Greeter/main.swift"
        var before = rebuildLines(watch).count
        try edit(greeter, "\"Hello, \\(request.name)!\"", "\"Howdy, \\(request.name)!\"")
        try await rebuilt(watch, count: before + 1)
        #expect(try await greet(port) == "Howdy, Ada!")
        #expect(watch.process.isRunning)
        // The functions the edit did not touch keep their warm environments: no new cold start.
        #expect(rebuildLines(watch)[before].hasSuffix("(unchanged, kept warm: echo, quotes)"), "\(watch.standardError)")
        #expect(try await RawHTTP.request("POST", "/2015-03-31/functions/echo/invocations", port: port, body: Array("5".utf8)).text == "5")
        #expect(try await latestPID(of: "echo", in: watch) == firstEcho)
        #expect(!isGone(firstEcho))
        // The replaced environment's extension was told SHUTDOWN before it went.
        _ = try await watch.waitForLine { $0.hasPrefix("[greeter] [audit-log] shutdown (") }

        // A broken edit keeps the last good build serving and shows the compiler's error.
        try edit(greeter, "\"Howdy, \\(request.name)!\"", "\"Howdy, \\(notDefinedAnywhere)!\"")
        _ = try await watch.waitForLine(within: .seconds(300)) { $0.hasPrefix("rebuild failed: swift build exited with status 1") }
        #expect(watch.standardError.contains("cannot find 'notDefinedAnywhere' in scope"))
        #expect(try await greet(port) == "Howdy, Ada!")

        // The fix is picked up.
        before = rebuildLines(watch).count
        try edit(greeter, "\"Howdy, \\(notDefinedAnywhere)!\"", "\"Hi, \\(request.name)!\"")
        try await rebuilt(watch, count: before + 1)
        #expect(try await greet(port) == "Hi, Ada!")
        let secondGreeter = try await latestPID(of: "greeter", in: watch, other: firstGreeter)

        // A change to the runtime target both functions link replaces both environments.
        let echoBefore = try await latestPID(of: "echo", in: watch)
        #expect(echoBefore == firstEcho)
        let runtime = "\(package)/Sources/LambdaRuntime/LambdaRuntime.swift"
        before = rebuildLines(watch).count
        try (try String(contentsOfFile: runtime, encoding: .utf8) + "\n// edited by the test\n").write(toFile: runtime, atomically: false, encoding: .utf8)
        try await rebuilt(watch, count: before + 1)
        #expect(try await greet(port) == "Hi, Ada!")
        #expect(try await RawHTTP.request("POST", "/2015-03-31/functions/echo/invocations", port: port, body: Array("7".utf8)).text == "7")
        _ = try await latestPID(of: "echo", in: watch, other: echoBefore)
        let thirdGreeter = try await latestPID(of: "greeter", in: watch, other: secondGreeter)
        #expect(isGone(echoBefore) && isGone(firstGreeter) && isGone(secondGreeter))

        // A change in an ignored place starts no rebuild.
        try FileManager.default.createDirectory(atPath: "\(package)/.hidden", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(package)/.hidden/x.swift", contents: Data("x".utf8))
        _ = FileManager.default.createFile(atPath: "\(package)/target/lambda/stray", contents: Data("x".utf8))

        // Then a manifest edit: its batch names it alone, so the ignored changes made none.
        let manifest = "\(package)/Package.swift"
        try (try String(contentsOfFile: manifest, encoding: .utf8) + "\n// edited by the test\n").write(toFile: manifest, atomically: false, encoding: .utf8)
        let manifestRebuild = try await rebuilt(watch, afterBatch: "changed: Package.swift; rebuilding")
        let batches = watch.standardError.split(separator: "\n").filter { $0.hasPrefix("changed: ") }
        #expect(!batches.contains { $0.contains(".hidden") || $0.contains("stray") }, "\(watch.standardError)")
        // A comment in the manifest links nothing anew: every function stays warm.
        #expect(manifestRebuild.hasSuffix("(unchanged, kept warm: echo, greeter, quotes)"), "\(watch.standardError)")

        // Ctrl-C stops every process watch started and exits 130.
        #expect(try await greet(port) == "Hi, Ada!")
        let running = try await latestPID(of: "greeter", in: watch)
        #expect(running == thirdGreeter)
        #expect(!isGone(running))
        #expect(!processes(running: "\(package)/target/lambda/extensions/audit-log").isEmpty)
        #expect(try await watch.interrupt() == 130)
        #expect(isGone(running))
        // Every extension started was shut down, and none is left.
        let lines = watch.standardError.split(separator: "\n")
        let started = lines.filter { $0.contains(" is ready: cold start ") }.count
        #expect(lines.filter { $0.contains("[audit-log] shutdown (") }.count == started, "\(watch.standardError)")
        #expect(processes(running: "\(package)/target/lambda/extensions/audit-log").isEmpty)
    }

    /// The extension template (`new --extension`) as a product of the package, built as an
    /// extension, so `watch --extension` runs a real one the package builds.
    private func addExtension(to package: String) throws {
        let scratch = try Harness.temporaryDirectory(prefix: "watch-extension")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let created = try Harness.run(["new", "audit-log", "--extension"], in: scratch)
        try #require(created.status == 0, "\(created.standardError)")
        try FileManager.default.copyItem(atPath: "\(scratch)/audit-log/Sources/AuditLog", toPath: "\(package)/Sources/AuditLog")
        let manifest = "\(package)/Package.swift"
        var text = try String(contentsOfFile: manifest, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "    products: [\n", with: "    products: [\n        .executable(name: \"audit-log\", targets: [\"AuditLog\"]),\n")
        text = text.replacingOccurrences(of: "    targets: [\n", with: "    targets: [\n        .executableTarget(name: \"AuditLog\"),\n")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        let settings = "\(package)/swift-lambda.toml"
        let toml = try String(contentsOfFile: settings, encoding: .utf8) + "\n[functions.audit-log]\nextension = true\n"
        try toml.write(toFile: settings, atomically: true, encoding: .utf8)
    }

    /// The pids of the processes whose executable is `path`.
    private func processes(running path: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) == path
        }
    }

    private func greet(_ port: Int) async throws -> String? {
        let answer = try await RawHTTP.request("POST", "/2015-03-31/functions/greeter/invocations", port: port, body: Array(#"{"name":"Ada"}"#.utf8))
        return answer.json?["greeting"] as? String
    }

    private func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old), "\(path) has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: false, encoding: .utf8)
    }

    private func rebuildLines(_ watch: BackgroundCLI) -> [Substring] {
        watch.standardError.split(separator: "\n").filter { $0.hasPrefix("rebuilt in ") }
    }

    /// The first rebuild line after the batch line `batch`. Counting rebuilds would not do: on a
    /// loaded machine one in-place write (truncate, write, close) can arrive as two batches.
    private func rebuilt(_ watch: BackgroundCLI, afterBatch batch: String) async throws -> Substring {
        let deadline = ContinuousClock.now + .seconds(300)
        while true {
            let lines = watch.standardError.split(separator: "\n")
            if let index = lines.firstIndex(where: { $0 == batch }),
                let line = lines[(index + 1)...].first(where: { $0.hasPrefix("rebuilt in ") })
            {
                return line
            }
            guard watch.process.isRunning, ContinuousClock.now < deadline else {
                throw BackgroundFailure(description: "no rebuild after \(batch); stderr:\n\(watch.standardError)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func rebuilt(_ watch: BackgroundCLI, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while watch.standardError.components(separatedBy: "\nrebuilt in ").count - 1 < count {
            guard watch.process.isRunning, ContinuousClock.now < deadline else {
                throw BackgroundFailure(description: "no rebuild \(count); stderr:\n\(watch.standardError)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The pid of the environment watch started last for `function`; with `other`, waits (up to
    /// 30 s) for one that is not `other`: the ready line is logged from the emulator's event, which
    /// may follow the invocation's answer by a moment.
    private func latestPID(of function: String, in watch: BackgroundCLI, other: Int32? = nil) async throws -> Int32 {
        let marker = "[\(function)] \(function) is ready: cold start "
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let line = watch.standardError.split(separator: "\n").last { $0.hasPrefix(marker) }
            if let line, let pid = line.split(separator: "pid ").last.flatMap({ Int32($0.prefix { $0.isNumber }) }), pid != other {
                return pid
            }
            guard ContinuousClock.now < deadline else {
                throw BackgroundFailure(description: "no ready line of \(function) other than pid \(other.map(String.init) ?? "-"):\n\(watch.standardError)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
