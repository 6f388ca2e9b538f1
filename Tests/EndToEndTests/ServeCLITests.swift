import Foundation
import LambdaTestSupport
import Testing

/// `swift-lambda serve`: a runtime started by hand, a function it starts and keeps warm, a
/// new environment after a crash, and a clean stop on Ctrl-C.
@Suite struct ServeCLITests {
    func invoke(_ endpoint: String, _ body: String, function: String = "fixture") async throws -> RawHTTPResponse {
        let port = try #require(endpoint.split(separator: ":").last.flatMap { Int($0) })
        return try await RawHTTP.request("POST", "/2015-03-31/functions/\(function)/invocations", port: port, body: Array(body.utf8))
    }

    @Test func servesARuntimeStartedByHand() async throws {
        let directory = try Harness.temporaryDirectory(prefix: "serve-hand")
        let serve = try BackgroundCLI(["serve"], in: directory)
        let endpoint = try await serve.endpoint()
        #expect(serve.standardError.contains("start your function with: AWS_LAMBDA_RUNTIME_API=\(endpoint) ./bootstrap"))

        // The user's own terminal: any process that speaks the Runtime API.
        let runtime = Process()
        runtime.executableURL = URL(fileURLWithPath: try RuntimeFixtures.compiled().runtime)
        runtime.environment = ["AWS_LAMBDA_RUNTIME_API": endpoint]
        runtime.standardInput = FileHandle.nullDevice
        try runtime.run()
        defer { if runtime.isRunning { runtime.terminate() } }

        let first = try await invoke(endpoint, #"{"by":"hand"}"#, function: "any-name")
        #expect(first.status == 200)
        #expect(first.text == #"{"by":"hand"}"#)
        let second = try await invoke(endpoint, "[2]", function: "any-name")
        #expect(second.text == "[2]")
        let coldStart = try await serve.waitForLine { $0.hasPrefix("a runtime asked for its first invocation: cold start ") }
        #expect(coldStart.hasSuffix(" ms (first contact to first next)"))

        #expect(try await serve.interrupt() == 0)
        #expect(serve.standardError.hasSuffix("stopped\n"))
    }

    @Test func startsTheFunctionKeepsItWarmAndReplacesItAfterACrash() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let serve = try BackgroundCLI(["serve", "fixture", "--lambda-dir", lambda, "--env", "FIXTURE_MODE=echo"], in: lambda)
        let endpoint = try await serve.endpoint()
        let ready = try await serve.waitForLine { $0.hasPrefix("fixture is ready: cold start ") }
        #expect(ready.contains(" ms (spawn to first next, pid "))
        let firstPID = try #require(Int32(ready.split(separator: " ").last?.dropLast() ?? ""))

        #expect(try await invoke(endpoint, "[1]").text == "[1]")
        #expect(try await invoke(endpoint, "[2]").text == "[2]")
        #expect(!isGone(firstPID), "the same process serves every invocation")

        // The process dies between invocations: the next invocation gets a new environment.
        kill(firstPID, SIGKILL)
        _ = try await serve.waitForLine { $0.hasPrefix("the function was killed by signal 9 (SIGKILL); a new environment starts") }
        #expect(try await invoke(endpoint, "[3]").text == "[3]")
        // The second environment's line may reach us just after its answer does.
        let firstReady = ready
        _ = try await serve.waitForLine { $0.hasPrefix("fixture is ready: cold start ") && $0 != firstReady }
        let readies = serve.standardError.split(separator: "\n").filter { $0.hasPrefix("fixture is ready: cold start ") }
        #expect(readies.count == 2)

        #expect(try await serve.interrupt() == 0)
        let lastPID = try #require(readies.last.flatMap { Int32($0.split(separator: " ").last?.dropLast() ?? "") })
        #expect(isGone(lastPID))
    }

    @Test func aCrashMidInvocationIsAnsweredAsLambdaWould() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let serve = try BackgroundCLI(["serve", "fixture", "--lambda-dir", lambda, "--env", "FIXTURE_MODE=crash"], in: lambda)
        let endpoint = try await serve.endpoint()
        let response = try await invoke(endpoint, "{}")
        #expect(response.status == 200)
        #expect(response.headers["x-amz-function-error"] == "Unhandled")
        #expect(response.json?["errorType"] as? String == "Runtime.ExitError")
        #expect(response.json?["errorMessage"] as? String == "Runtime exited with error: signal: SIGSEGV")
        #expect(try await serve.interrupt() == 0)
    }

    @Test func flagsThatNeedAFunctionNameAreUsageErrors() throws {
        let directory = try Harness.temporaryDirectory(prefix: "serve-usage")
        for (arguments, message) in [
            (["serve", "--zip"], "--zip describes a function to start; pass its NAME, or drop --zip and start the function yourself"),
            (["serve", "--port", "70000"], "--port 70000 is not a TCP port; give 1-65535, or 0 for a free one"),
        ] {
            let result = try Harness.run(arguments, in: directory)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardError.contains(message), "\(result.standardError)")
        }
    }
}
