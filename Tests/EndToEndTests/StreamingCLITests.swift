import Foundation
import LambdaTestSupport
import Testing

/// Streamed responses through `invoke` and `serve`, from the C fixture runtime's `stream`
/// modes: chunks printed (or passed on) as they arrive, the prelude split off, error trailers
/// a function error, and the function's timeout still in force.
@Suite struct StreamingCLITests {
    let chunks = "chunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n"

    func invoke(_ arguments: [String], lambda: String) throws -> CLIResult {
        try Harness.run(["invoke", "fixture"] + arguments + ["--lambda-dir", lambda], in: lambda)
    }

    /// Chunk 2 is sent only once the gate file exists, and the test creates it only after
    /// chunk 1 was on `invoke`'s standard output: so chunk 1 was printed while the function ran.
    @Test func invokePrintsEachChunkAsItArrives() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let gate = "\(lambda)/gate"
        let invoke = try BackgroundCLI(
            ["invoke", "fixture", "--env", "FIXTURE_MODE=stream", "--env", "STREAM_GATE=\(gate)", "--env", "STREAM_INTERVAL_MS=0",
             "--timeout", "60", "--lambda-dir", lambda], in: lambda)
        _ = try await invoke.waitForLine(on: \.standardOutput) { $0 == "chunk 1" }
        #expect(!invoke.standardOutput.contains("chunk 2"))
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        #expect(try await invoke.exitStatus() == 0, "\(invoke.standardError)")
        #expect(invoke.standardOutput == chunks)
        #expect(invoke.standardError.contains("REPORT RequestId: "))
    }

    /// Five chunks 300 ms apart: the whole stream arrives within a generous timeout, as on
    /// Lambda, where the function's timeout bounds a stream too.
    @Test func aSlowStreamCompletesWithinAGenerousTimeout() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["--env", "FIXTURE_MODE=stream", "--timeout", "30"], lambda: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == chunks)
    }

    @Test func thePreludeGoesToStandardErrorAndTheBodyToStandardOutput() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["--env", "FIXTURE_MODE=stream-prelude", "--env", "STREAM_INTERVAL_MS=0"], lambda: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == chunks)
        #expect(result.standardError.contains("Streamed response: HTTP 201; Content-Type: text/plain; X-Fixture: yes; Set-Cookie: flavour=plain\n"))
    }

    @Test func errorTrailersAreAFunctionError() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["--env", "FIXTURE_MODE=stream-error", "--env", "STREAM_INTERVAL_MS=0"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardOutput == chunks + #"{"errorMessage":"the stream broke","errorType":"FixtureStreamError"}"# + "\n")
        #expect(result.standardError.contains("error: fixture answered with an error, FixtureStreamError: the stream broke"))
    }

    @Test func theTimeoutStillEndsAStream() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["--env", "FIXTURE_MODE=stream", "--env", "STREAM_INTERVAL_MS=60000", "--timeout", "1"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardOutput == "chunk 1\n")
        #expect(result.standardError.contains("Task timed out after 1.00 seconds"))
    }

    /// A crash mid-stream is reported as a crash, not as the body's early end.
    @Test func aCrashMidStreamNamesTheSignal() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["--env", "FIXTURE_MODE=stream-crash"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardOutput == "chunk 1\n")
        #expect(result.standardError.contains("was killed by signal 11 (SIGSEGV) during invocation"), "\(result.standardError)")
    }

    /// `curl -N` against `serve`: the chunked answer's first chunk arrives before the function
    /// may send its second.
    @Test func serveStreamsTheInvokeAPIAnswer() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let gate = "\(lambda)/gate"
        let serve = try BackgroundCLI(
            ["serve", "fixture", "--lambda-dir", lambda, "--env", "FIXTURE_MODE=stream-prelude", "--env", "STREAM_GATE=\(gate)",
             "--env", "STREAM_INTERVAL_MS=0", "--timeout", "60"], in: lambda)
        let endpoint = try await serve.endpoint()
        let port = try #require(endpoint.split(separator: ":").last.flatMap { Int($0) })
        let client = try RawConnection(port: port, timeout: .seconds(60))
        try client.send(RawHTTP.requestBytes("POST", "/2015-03-31/functions/fixture/invocations", body: Array("{}".utf8)))
        let head = try await RawHTTP.onThread { try client.readHead() }
        #expect(head.status == 200)
        #expect(head.headers["content-type"] == "application/vnd.awslambda.http-integration-response")
        #expect(head.headers["transfer-encoding"] == "chunked")
        var received: [UInt8] = []
        while !String(decoding: received, as: UTF8.self).hasSuffix("chunk 1\n") {
            guard case .data(let bytes) = try await RawHTTP.onThread({ try client.readChunk() }) else { break }
            received += bytes
        }
        // The prelude passes through untouched, as Lambda's invoke API passes it.
        #expect(String(decoding: received, as: UTF8.self).hasPrefix(#"{"statusCode":201,"#))
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        let rest = try await RawHTTP.onThread { try client.readChunkedRest() }
        #expect(String(decoding: rest.body, as: UTF8.self) == "chunk 2\nchunk 3\nchunk 4\nchunk 5\n")
        #expect(rest.trailers.isEmpty)
        #expect(try await serve.interrupt() == 0)
    }
}
