import Foundation
import LambdaTestSupport
import Testing

@testable import LambdaWatch

/// `watch`'s one port, end to end: a real GatewayServer and WatchRouter over real FunctionPools
/// of the C fixture runtime, spoken to in raw HTTP. Function URL requests become payload-2.0
/// events and answers become HTTP responses; streamed answers pass on as they arrive on both
/// routes; environments run side by side up to the concurrency; a crash is a function error or
/// a 502 and the next invocation gets a new process; unknown names and methods are refused.
/// Serialized: each test starts processes, and the rendezvous proofs want the two cores.
@Suite(.serialized) struct WatchRouterTests {
    static let chunks = "chunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n"

    // MARK: Function URLs

    /// The url-answer mode answers status 201, `x-a: 1`, the cookies c=1 and d=2, and the event
    /// it received as its base64 body: so one exchange shows the request as the function got
    /// it and the answer as the router maps it back.
    @Test func aFunctionURLRequestBecomesAPayload2EventAndItsAnswerTheHTTPResponse() async throws {
        let fixture = try Fixture("fn")
        try await serving([(fixture, fixture.pool(["FIXTURE_MODE": "url-answer"]))]) { gateway in
            let binary: [UInt8] = [0x00, 0xFF, 0x10, 0x80, 0x7F, 0x0A, 0xC3]
            let before = Int64(Date().timeIntervalSince1970 * 1000)
            let response = try await exchange(
                gateway.port, "POST", "/lambda-url/fn/items/42?tag=a&tag=b&q=hello%20world&flag",
                headers: [
                    ("User-Agent", "watch-tests/1.0"), ("X-Multi", "one"), ("X-Multi", "two"), ("X-Custom-Header", "Value"),
                    ("Cookie", "a=1; b=2"), ("Content-Type", "application/octet-stream"),
                ], body: binary)
            let after = Int64(Date().timeIntervalSince1970 * 1000)

            // The answer, mapped: status, headers, one Set-Cookie line per cookie, the body decoded.
            #expect(response.status == 201, "\(response.text)\n\(fixture.console.text)")
            #expect(response.headers["x-a"] == "1")
            #expect(response.values("set-cookie") == ["c=1", "d=2"])
            #expect(response.headers["content-type"] == "application/json")
            let event = try #require(response.json, "the body is not the event: \(response.text)")

            // The event, field by field.
            #expect(event["version"] as? String == "2.0")
            #expect(event["routeKey"] as? String == "$default")
            #expect(event["rawPath"] as? String == "/items/42")
            #expect(event["rawQueryString"] as? String == "tag=a&tag=b&q=hello%20world&flag")
            let headers = try #require(event["headers"] as? [String: String])
            #expect(headers["x-multi"] == "one,two")
            #expect(headers["x-custom-header"] == "Value")
            #expect(headers["user-agent"] == "watch-tests/1.0")
            #expect(headers["content-type"] == "application/octet-stream")
            #expect(headers["host"] == "127.0.0.1:\(gateway.port)")
            #expect(headers.keys.allSatisfy { $0 == $0.lowercased() }, "\(headers.keys.sorted())")
            #expect(headers["cookie"] == nil, "cookies go to `cookies`, not the headers")
            #expect(event["cookies"] as? [String] == ["a=1", "b=2"])
            #expect(event["queryStringParameters"] as? [String: String] == ["tag": "a,b", "q": "hello world", "flag": ""])
            #expect(event["isBase64Encoded"] as? Bool == true)
            #expect(event["body"] as? String == Data(binary).base64EncodedString())

            let context = try #require(event["requestContext"] as? [String: Any])
            let http = try #require(context["http"] as? [String: Any])
            #expect(http["method"] as? String == "POST")
            #expect(http["path"] as? String == "/items/42")
            #expect(http["protocol"] as? String == "HTTP/1.1")
            #expect(http["sourceIp"] as? String == "127.0.0.1")
            #expect(http["userAgent"] as? String == "watch-tests/1.0")
            let requestID = try #require(context["requestId"] as? String)
            #expect(UUID(uuidString: requestID) != nil && requestID == requestID.lowercased(), "\(requestID)")
            let epoch = try #require((context["timeEpoch"] as? NSNumber)?.int64Value)
            #expect((before - 1)...(after + 1) ~= epoch, "timeEpoch \(epoch) is not the time of the request (\(before)...\(after))")
            #expect(context["domainName"] as? String == "127.0.0.1:\(gateway.port)")
            #expect(context["routeKey"] as? String == "$default")
        }
    }

    /// A text body stays text; the function's root without a slash is `/`; no query, no
    /// cookies: no such fields.
    @Test func aTextBodyStaysTextAndTheBarePrefixIsTheRoot() async throws {
        let fixture = try Fixture("fn")
        try await serving([(fixture, fixture.pool(["FIXTURE_MODE": "url-answer"]))]) { gateway in
            let text = "plain text, caf\u{e9}"
            let response = try await exchange(
                gateway.port, "PUT", "/lambda-url/fn", headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
            #expect(response.status == 201, "\(response.text)")
            let event = try #require(response.json, "\(response.text)")
            #expect(event["body"] as? String == text)
            #expect(event["isBase64Encoded"] as? Bool == false)
            #expect(event["rawPath"] as? String == "/")
            #expect(event["rawQueryString"] as? String == "")
            #expect(event["queryStringParameters"] == nil)
            #expect(event["cookies"] == nil)
            let http = try #require((event["requestContext"] as? [String: Any])?["http"] as? [String: Any])
            #expect(http["method"] as? String == "PUT")
            #expect(http["path"] as? String == "/")
        }
    }

    /// An answer that is JSON but not an object with statusCode is a 200 application/json
    /// response carrying it; the invoke API hands the same answer back as it is.
    @Test func aPlainJSONAnswerIsA200JSONResponse() async throws {
        let fixture = try Fixture("fn")
        try await serving([(fixture, fixture.pool(["FIXTURE_MODE": "answer", "FIXTURE_ANSWER": "[1,2]"]))]) { gateway in
            let url = try await exchange(gateway.port, "GET", "/lambda-url/fn/anything")
            #expect(url.status == 200)
            #expect(url.headers["content-type"] == "application/json")
            #expect(url.text == "[1,2]")
            let api = try await invoke(gateway.port, "fn")
            #expect(api.status == 200)
            #expect(api.text == "[1,2]")
            #expect(api.headers["x-amz-function-error"] == nil)
        }
    }

    // MARK: Streaming

    /// Chunk 2 is sent only once the gate file exists, and the test creates it only after it
    /// read chunk 1: so chunk 1 passed through the router while the function still ran.
    @Test func theInvokeAPIPassesAStreamOnAsItArrives() async throws {
        let fixture = try Fixture("fn")
        let gate = "\(fixture.lambda)/gate"
        let pool = fixture.pool(["FIXTURE_MODE": "stream", "STREAM_GATE": gate, "STREAM_INTERVAL_MS": "0"])
        try await serving([(fixture, pool)]) { gateway in
            let client = try await open(gateway.port, "POST", "/2015-03-31/functions/fn/invocations", body: Array("{}".utf8))
            let head = try await RawHTTP.onThread { try client.readHead() }
            #expect(head.status == 200)
            #expect(head.headers["content-type"] == "text/plain")
            #expect(head.headers["transfer-encoding"] == "chunked")
            #expect(try await readThroughFirstChunk(client) == "chunk 1\n")
            #expect(!FileManager.default.fileExists(atPath: gate))
            _ = FileManager.default.createFile(atPath: gate, contents: nil)
            let rest = try await RawHTTP.onThread { try client.readChunkedRest() }
            #expect(String(decoding: rest.body, as: UTF8.self) == "chunk 2\nchunk 3\nchunk 4\nchunk 5\n")
            #expect(rest.trailers.isEmpty)
        }
    }

    @Test func aFunctionURLPassesAStreamOnAsItArrives() async throws {
        let fixture = try Fixture("fn")
        let gate = "\(fixture.lambda)/gate"
        let pool = fixture.pool(["FIXTURE_MODE": "stream", "STREAM_GATE": gate, "STREAM_INTERVAL_MS": "0"])
        try await serving([(fixture, pool)]) { gateway in
            let client = try await open(gateway.port, "GET", "/lambda-url/fn/stream")
            let head = try await RawHTTP.onThread { try client.readHead() }
            #expect(head.status == 200)
            #expect(head.headers["transfer-encoding"] == "chunked")
            #expect(head.headers["content-type"] == "application/octet-stream")
            #expect(try await readThroughFirstChunk(client) == "chunk 1\n")
            _ = FileManager.default.createFile(atPath: gate, contents: nil)
            let rest = try await RawHTTP.onThread { try client.readChunkedRest() }
            #expect(String(decoding: rest.body, as: UTF8.self) == "chunk 2\nchunk 3\nchunk 4\nchunk 5\n")
        }
    }

    /// The prelude becomes the response's status, headers and cookie; only the body follows,
    /// and its first chunk still arrives before the function may send the second.
    @Test func aFunctionURLTurnsAStreamPreludeIntoTheResponseHead() async throws {
        let fixture = try Fixture("fn")
        let gate = "\(fixture.lambda)/gate"
        let pool = fixture.pool(["FIXTURE_MODE": "stream-prelude", "STREAM_GATE": gate, "STREAM_INTERVAL_MS": "0"])
        try await serving([(fixture, pool)]) { gateway in
            let client = try await open(gateway.port, "GET", "/lambda-url/fn/")
            let head = try await RawHTTP.onThread { try client.readHead() }
            #expect(head.status == 201)
            #expect(head.headers["content-type"] == "text/plain")
            #expect(head.headers["x-fixture"] == "yes")
            #expect(head.values("set-cookie") == ["flavour=plain"])
            #expect(head.headers["transfer-encoding"] == "chunked")
            #expect(try await readThroughFirstChunk(client) == "chunk 1\n", "the prelude is not part of the body")
            _ = FileManager.default.createFile(atPath: gate, contents: nil)
            let rest = try await RawHTTP.onThread { try client.readChunkedRest() }
            #expect(String(decoding: rest.body, as: UTF8.self) == "chunk 2\nchunk 3\nchunk 4\nchunk 5\n")
        }
    }

    /// A stream the runtime ends with error trailers: the body as sent, then the invoke API's
    /// trailers naming the function error, the error object in base64.
    @Test func aStreamEndedWithAnErrorGetsTheErrorTrailers() async throws {
        let fixture = try Fixture("fn")
        let pool = fixture.pool(["FIXTURE_MODE": "stream-error", "STREAM_INTERVAL_MS": "0"])
        try await serving([(fixture, pool)]) { gateway in
            let response = try await invoke(gateway.port, "fn")
            #expect(response.status == 200)
            #expect(response.text == Self.chunks)
            #expect(response.trailers["x-amz-function-error"] == "Unhandled")
            #expect(response.trailers["lambda-runtime-function-error-type"] == "FixtureStreamError")
            let body = try #require(response.trailers["lambda-runtime-function-error-body"].flatMap { Data(base64Encoded: $0) })
            let error = try #require((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])
            #expect(error["errorType"] as? String == "FixtureStreamError")
            #expect(error["errorMessage"] as? String == "the stream broke")
        }
    }

    // MARK: Concurrency

    /// Each invocation of the rendezvous mode waits until two processes have arrived: both
    /// answering "met" proves two environments ran at once, each with its own extension.
    @Test func concurrencyTwoRunsTwoEnvironmentsAtOnce() async throws {
        let fixture = try Fixture("fn", extensions: ["logger"])
        let meeting = "\(fixture.lambda)/rendezvous"
        try FileManager.default.createDirectory(atPath: meeting, withIntermediateDirectories: true)
        let pool = fixture.pool(["FIXTURE_MODE": "rendezvous", "RENDEZVOUS_DIR": meeting], concurrency: 2)
        try await serving([(fixture, pool)]) { gateway in
            async let first = invoke(gateway.port, "fn")
            async let second = invoke(gateway.port, "fn")
            let answers = try await [first, second]
            #expect(answers.map(\.text) == [#""met""#, #""met""#], "\(fixture.console.text)")
            #expect(await pool.environmentCount == 2)
            #expect(try FileManager.default.contentsOfDirectory(atPath: meeting).count == 2)
            // Two runtimes, and an extension beside each.
            #expect(fixture.processes(named: "/fn/bootstrap").count == 2)
            #expect(fixture.processes(named: "/extensions/logger").count == 2)
        }
    }

    /// With concurrency 1 the second invocation, sent while the first waits at the rendezvous,
    /// waits for it: the first finds itself alone, and both ran in the one process.
    @Test func concurrencyOneMakesTheSecondInvocationWait() async throws {
        let fixture = try Fixture("fn")
        let meeting = "\(fixture.lambda)/rendezvous"
        try FileManager.default.createDirectory(atPath: meeting, withIntermediateDirectories: true)
        let pool = fixture.pool(["FIXTURE_MODE": "rendezvous", "RENDEZVOUS_DIR": meeting, "RENDEZVOUS_WAIT_MS": "1500"], concurrency: 1)
        try await serving([(fixture, pool)]) { gateway in
            let port = gateway.port
            let first = Task { try await invoke(port, "fn") }
            let arrived = await eventually { ((try? FileManager.default.contentsOfDirectory(atPath: meeting)) ?? []).count == 1 }
            #expect(arrived, "the first invocation never reached the rendezvous: \(fixture.console.text)")
            let second = Task { try await invoke(port, "fn") }
            let answers = [try await first.value.text, try await second.value.text]
            #expect(answers == [#""alone""#, #""alone""#])
            #expect(await pool.environmentCount == 1)
            let marks = try FileManager.default.contentsOfDirectory(atPath: meeting)
            #expect(marks.count == 1, "one process served both: \(marks)")
            #expect(fixture.processes(named: "/fn/bootstrap").count == 1)
        }
    }

    // MARK: Crashes

    /// CRASH_ON makes the runtime die on an event that contains "boom": the invoke API answers
    /// a function error (Runtime.ExitError), a function URL 502; the process is gone and the
    /// next invocation starts a new one, which answers.
    @Test func aCrashIsAFunctionErrorOrA502AndTheNextInvocationStartsAnew() async throws {
        let fixture = try Fixture("fn")
        let pool = fixture.pool(["CRASH_ON": "boom"])
        try await serving([(fixture, pool)]) { gateway in
            let crashed = try await invoke(gateway.port, "fn", #"{"say":"boom"}"#)
            #expect(crashed.status == 200)
            #expect(crashed.headers["x-amz-function-error"] == "Unhandled")
            #expect(crashed.json?["errorType"] as? String == "Runtime.ExitError", "\(crashed.text)")
            #expect((crashed.json?["errorMessage"] as? String)?.contains("SIGSEGV") == true, "\(crashed.text)")
            let firstPID = try #require(fixture.runtimePID)
            #expect(await eventually { isGone(firstPID) }, "the crashed runtime \(firstPID) is still there")

            let answered = try await invoke(gateway.port, "fn", #"{"say":"fine"}"#)
            #expect(answered.status == 200)
            #expect(answered.headers["x-amz-function-error"] == nil)
            #expect(answered.text == #"{"say":"fine"}"#)
            let secondPID = try #require(fixture.runtimePID)
            #expect(secondPID != firstPID)

            let badURL = try await exchange(gateway.port, "GET", "/lambda-url/fn/boom")
            #expect(badURL.status == 502)
            #expect(badURL.text == "Internal Server Error")
            #expect(await eventually { isGone(secondPID) })

            let goodURL = try await exchange(gateway.port, "GET", "/lambda-url/fn/fine")
            #expect(goodURL.status == 200)
            #expect((goodURL.json?["rawPath"] as? String) == "/fine", "\(goodURL.text)")
            let thirdPID = try #require(fixture.runtimePID)
            #expect(thirdPID != secondPID)
            #expect(await pool.environmentCount == 1)
        }
    }

    // MARK: Refusals

    @Test func anUnknownFunctionIsA404NamingTheServedOnes() async throws {
        let alpha = try Fixture("alpha")
        let beta = try Fixture("beta")
        try await serving([(alpha, alpha.pool()), (beta, beta.pool())]) { gateway in
            let api = try await invoke(gateway.port, "gamma")
            #expect(api.status == 404)
            #expect(api.headers["x-amzn-errortype"] == "ResourceNotFoundException")
            #expect((api.json?["errorMessage"] as? String)?.hasSuffix("gamma; this watch serves: alpha, beta") == true, "\(api.text)")
            let url = try await exchange(gateway.port, "GET", "/lambda-url/gamma/x")
            #expect(url.status == 404)
            #expect((url.json?["errorMessage"] as? String)?.hasSuffix("this watch serves: alpha, beta") == true, "\(url.text)")
            let elsewhere = try await exchange(gateway.port, "GET", "/elsewhere")
            #expect(elsewhere.status == 404)
            #expect((elsewhere.json?["errorMessage"] as? String)?.contains("NAME is one of: alpha, beta") == true, "\(elsewhere.text)")
            // Both still answer: the refusals started nothing and broke nothing.
            #expect(try await invoke(gateway.port, "alpha", "[1]").text == "[1]")
            #expect(try await invoke(gateway.port, "beta", "[2]").text == "[2]")
        }
    }

    @Test func theInvokeAPITakesOnlyPOST() async throws {
        let fixture = try Fixture("fn")
        let pool = fixture.pool()
        try await serving([(fixture, pool)]) { gateway in
            let response = try await exchange(gateway.port, "GET", "/2015-03-31/functions/fn/invocations")
            #expect(response.status == 405)
            #expect(response.headers["x-amzn-errortype"] == "MethodNotAllowed")
            #expect(await pool.environmentCount == 0, "a refused request starts no environment")
        }
    }
}
