import Foundation
import LambdaTestSupport
import Testing

/// The extension template has no dependencies, so it is built here: its own tests pass, it is
/// packaged with `swift-lambda build --extension`, it stops with one clear line outside Lambda,
/// and it registers with, and runs events from, a minimal Extensions API server.
@Suite struct ExtensionTemplateTests {
    @Test(.timeLimit(.minutes(10))) func generatedExtensionBuildsPassesItsTestsAndRegisters() async throws {
        let directory = try Harness.temporaryDirectory(prefix: "new-extension")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let created = try Harness.run(["new", "audit-log", "--extension"], in: directory)
        try #require(created.status == 0, "\(created.standardError)")
        let root = "\(directory)/audit-log"

        let built = try Harness.runProcess("/usr/bin/env", ["swift", "build", "--build-tests"], in: root)
        try #require(built.status == 0, "swift build failed:\n\(built.standardOutput)\(built.standardError)")
        let tested = try Harness.runProcess("/usr/bin/env", ["swift", "test", "--skip-build"], in: root)
        #expect(tested.status == 0, "the template's tests failed:\n\(tested.standardOutput)\(tested.standardError)")
        #expect((tested.standardOutput + tested.standardError).contains("passed"))

        let packaged = try Harness.run(["build", "--extension", "--output-format", "zip"], in: root)
        try #require(packaged.status == 0, "\(packaged.standardError)")
        #expect(packaged.standardOutput.contains("checks passed"))
        let executable = "\(root)/target/lambda/extensions/audit-log"
        #expect(FileManager.default.fileExists(atPath: "\(root)/target/lambda/extensions/audit-log.zip"))

        var environment = ProcessInfo.processInfo.environment
        environment["AWS_LAMBDA_RUNTIME_API"] = nil
        let outside = try Harness.runProcess(executable, [], in: root, environment: environment)
        #expect(outside.status == 1)
        #expect(
            outside.standardError
                == "error: AWS_LAMBDA_RUNTIME_API is not set: audit-log is a Lambda extension and runs inside Lambda, which sets it\n"
        )

        let server = try ExtensionsAPIServer.start(in: directory)
        defer { server.stop() }
        environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(server.port)"
        let inside = try Harness.runProcess(executable, [], in: root, environment: environment)
        #expect(inside.status == 0, "\(inside.standardError)")
        #expect(inside.standardOutput == "[audit-log] invoke 3da1f2dc-req\n[audit-log] shutdown (spindown)\n")
        #expect(
            try server.requests() == [
                "POST /2020-01-01/extension/register name=audit-log body={\"events\":[\"INVOKE\",\"SHUTDOWN\"]}",
                "GET /2020-01-01/extension/event/next id=ext-7",
                "GET /2020-01-01/extension/event/next id=ext-7",
            ])

        // And with swift-lambda's own emulator: started before a function (a small C runtime that
        // echoes), it registers before the function's first next, gets the INVOKE and the SHUTDOWN.
        let lambda = try RuntimeFixtures.lambdaDirectory()
        try FileManager.default.createDirectory(atPath: "\(lambda)/extensions", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: executable, toPath: "\(lambda)/extensions/audit-log")
        let invoked = try Harness.run(
            ["invoke", "fixture", "--extension", "audit-log", "--lambda-dir", lambda, "--env", "FIXTURE_MODE=echo", "--data", #"{"a":1}"#],
            in: lambda)
        #expect(invoked.status == 0, "\(invoked.standardError)")
        #expect(invoked.standardOutput == #"{"a":1}"# + "\n" || invoked.standardOutput == #"{"a":1}"#, "\(invoked.standardOutput)")
        #expect(invoked.standardError.contains("[audit-log] invoke "), "\(invoked.standardError)")
        #expect(invoked.standardError.contains("[audit-log] shutdown"), "\(invoked.standardError)")
    }
}

/// A minimal Extensions API in Python's http.server: registration answers an identifier, then
/// `event/next` gives one INVOKE (chunked, as a Go server may send it) and a SHUTDOWN, after
/// which the server exits. It writes one line per request it served to a log the test reads.
struct ExtensionsAPIServer {
    let process: Process
    let port: Int
    let log: String

    static let script = #"""
        import http.server, json, sys, threading
        log = open(sys.argv[1], "a", buffering=1)
        events = [
            {"eventType": "INVOKE", "deadlineMs": 1, "requestId": "3da1f2dc-req", "invokedFunctionArn": "arn:aws:lambda:us-east-1:1:function:f", "tracing": {"type": "X-Amzn-Trace-Id", "value": "Root=1"}},
            {"eventType": "SHUTDOWN", "shutdownReason": "spindown", "deadlineMs": 2},
        ]
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                log.write("POST %s name=%s body=%s\n" % (self.path, self.headers.get("Lambda-Extension-Name"), body))
                answer = b'{"functionName":"f","functionVersion":"$LATEST","handler":"bootstrap"}'
                self.send_response(200)
                self.send_header("Lambda-Extension-Identifier", "ext-7")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            def do_GET(self):
                log.write("GET %s id=%s\n" % (self.path, self.headers.get("Lambda-Extension-Identifier")))
                body = json.dumps(events.pop(0)).encode()
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
                if not events:  # served SHUTDOWN: the server's work is done
                    threading.Thread(target=self.server.shutdown).start()
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    static func start(in directory: String) throws -> ExtensionsAPIServer {
        let log = "\(directory)/requests.log"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, log]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The first line is the port it listens on.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 0x0A {
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw CocoaError(
                .fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the test server did not start"])
        }
        return ExtensionsAPIServer(process: process, port: port, log: log)
    }

    func requests() throws -> [String] {
        try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Waits for the server to exit, killing it if it has not: with SIGKILL, because a child
    /// started from a test thread inherits that thread's blocked signals, SIGTERM included.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
