import Foundation
import LambdaTestSupport
import Testing

/// Zips of the shared Examples build, packaged once (the compile is already done, so this run
/// only writes zips) into a directory of their own; the shared build is not touched.
actor SharedExampleZips {
    static let shared = SharedExampleZips()
    private var task: Task<String, any Error>?

    /// The lambda directory holding `<function>/bootstrap.zip` for every Example.
    func lambdaDirectory(of built: SharedExamplesBuild.Built) async throws -> String {
        if let task { return try await task.value }
        let task = Task {
            let directory = try Harness.temporaryDirectory(prefix: "example-zips")
            let result = try Harness.run(
                ["build", "--release", "--skip-checks", "--output-format", "zip", "--lambda-dir", directory], in: built.packageRoot)
            guard result.status == 0 else { throw BackgroundFailure(description: "packaging failed:\n\(result.standardError)") }
            return directory
        }
        self.task = task
        return try await task.value
    }
}

extension SharedExamplesSuites {
/// `swift-lambda invoke` and `serve` on the real Examples: each answers from its directory and
/// from its zip, and one warm process takes a thousand invocations.
@Suite struct ExamplesInvokeTests {
    static let quote = "The Analytical Engine weaves algebraical patterns just as the Jacquard-loom weaves flowers and leaves. — Ada Lovelace, Notes on the Analytical Engine (1843)"
    static let cases: [(name: String, event: String, answer: String)] = [
        ("echo", #"{"x":1}"#, #"{"x":1}"#),
        ("greeter", #"{"name":"Ada"}"#, #"{"greeting":"Hello, Ada!","length":3}"#),
        ("quotes", #"{"index":2}"#, #"{"index":2,"quote":"\#(quote)"}"#),
    ]

    func built() async throws -> SharedExamplesBuild.Built {
        let built = try await SharedExamplesBuild.shared.built()
        try #require(built.result.status == 0, "build failed:\n\(built.result.standardError)")
        return built
    }

    @Test func everyExampleAnswersFromItsDirectory() async throws {
        let built = try await built()
        let elsewhere = try Harness.temporaryDirectory(prefix: "invoke-dir")
        for (name, event, answer) in Self.cases {
            let result = try Harness.run(["invoke", name, "--package-path", built.packageRoot, "--data", event], in: elsewhere)
            #expect(result.status == 0, "\(name): \(result.standardError)")
            #expect(result.standardOutput == answer + "\n", "\(name)")
            #expect(result.standardError.contains("Init Duration: "), "\(name)")
        }
    }

    @Test func everyExampleAnswersFromItsZip() async throws {
        let zips = try await SharedExampleZips.shared.lambdaDirectory(of: try await built())
        for (name, event, answer) in Self.cases {
            let result = try Harness.run(["invoke", name, "--zip", "--lambda-dir", zips, "--data", event], in: zips)
            #expect(result.status == 0, "\(name): \(result.standardError)")
            #expect(result.standardOutput == answer + "\n", "\(name)")
        }
        let bad = try Harness.run(["invoke", "greeter", "--zip", "--lambda-dir", zips, "--data", #"{"nom":1}"#], in: zips)
        #expect(bad.status == 1)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(bad.standardOutput.utf8)) as? [String: Any])
        #expect(error["errorType"] as? String == "InvalidEvent")
        #expect(bad.standardError.contains("error: greeter answered with an error, InvalidEvent: expected {\"name\": string}"))
    }

    @Test func oneWarmProcessServesAThousandInvocationsWithoutLeaking() async throws {
        let built = try await built()
        let serve = try BackgroundCLI(["serve", "echo", "--package-path", built.packageRoot], in: built.packageRoot)
        let port = try #require(try await serve.endpoint().split(separator: ":").last.flatMap { Int($0) })
        let ready = try await serve.waitForLine { $0.hasPrefix("echo is ready: cold start ") }
        let function = try #require(Int32(ready.split(separator: " ").last?.dropLast() ?? ""))

        // Warm up once, so the counts below are of a process in its steady state.
        let warmUp = try await RawHTTP.request("POST", "/2015-03-31/functions/echo/invocations", port: port, body: Array("[0]".utf8))
        #expect(warmUp.text == "[0]")
        let serveDescriptors = try await settledDescriptorCount(serve.pid)
        let functionDescriptors = try await settledDescriptorCount(function)

        let count = 1_000
        let failures = try await RawHTTP.onThread { () -> [String] in
            var failures: [String] = []
            for index in 1...count {
                do {
                    let connection = try RawConnection(port: port)
                    let body = Array(#"{"i":\#(index)}"#.utf8)
                    try connection.send(RawHTTP.requestBytes("POST", "/2015-03-31/functions/echo/invocations", body: body))
                    let response = try connection.readResponse()
                    if response.status != 200 || response.body != body { failures.append("\(index): \(response.status) \(response.text)") }
                } catch {
                    failures.append("\(index): \(error)")
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")

        let serveAfter = try await settledDescriptorCount(serve.pid)
        #expect(serveAfter == serveDescriptors, "serve's descriptors: \(serveDescriptors) before, \(serveAfter) after")
        #expect(try await settledDescriptorCount(function) == functionDescriptors)
        #expect(!isGone(function), "the same warm process answered every invocation")
        let lines = serve.standardError.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("echo is ready: cold start ") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("REPORT RequestId: ") }.count == count + 1)

        #expect(try await serve.interrupt() == 0)
        #expect(isGone(function))
    }

    /// The descriptor count once it has stopped moving: between invocations a connection or
    /// two are still closing, and the runtime reopens its `next` poll, so a single sample could
    /// catch either side of that.
    func settledDescriptorCount(_ pid: Int32) async throws -> Int {
        var samples: [Int] = []
        for _ in 0..<250 {
            samples.append(openDescriptorCount(pid))
            if samples.count >= 5 && Set(samples.suffix(5)).count == 1 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return samples.last ?? -1
    }
}
}
