// moto's server (PyPI moto[server]) as the AWS the deploy tests talk to: Lambda, IAM, STS and S3 on
// 127.0.0.1, no Docker. One per test process, started on first use; tests take turns with it
// (`exclusive`), each starting from a reset state.

import Foundation
public import LambdaSupport

#if canImport(Glibc)
import Glibc
#endif

/// A running moto server. Its process dies with the test process (ChildProcess: SIGKILL through
/// PR_SET_PDEATHSIG, and an atexit handler), so none outlives the run.
public final class MotoServer: Sendable {
    public let port: Int
    /// `http://127.0.0.1:PORT`, for `--endpoint-url`, `AWS_ENDPOINT_URL` and boto3.
    public let endpoint: String
    /// What the server printed (its requests, its tracebacks).
    public let logPath: String
    public let process: ChildProcess
    public var pid: Int32 { process.pid }

    /// The region moto is used in here.
    public static let region = "us-east-1"

    /// What a client needs to reach this server: moto's dummy credentials, the region and the
    /// endpoint, as the SDKs' variables.
    public var environment: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": Self.region, "AWS_ENDPOINT_URL": endpoint,
        ]
    }

    private init(port: Int, logPath: String, process: ChildProcess) {
        self.port = port
        self.endpoint = "http://127.0.0.1:\(port)"
        self.logPath = logPath
        self.process = process
    }

    // MARK: - One per test process

    private static let startedOnce = SharedStart()
    private static let turns = AsyncLock()

    /// The test process's server, started by the first caller; a start that failed fails every
    /// caller the same way (without another 30 s wait each).
    public static func shared() async throws -> MotoServer {
        try await startedOnce.server()
    }

    /// Runs `body` with the shared server, reset first, while no other `exclusive` body runs:
    /// moto's state is global, so tests that read it back must not overlap.
    public static func exclusive<T>(_ body: (MotoServer) async throws -> T) async throws -> T {
        let server = try await shared()
        await turns.acquire()
        do {
            try await server.reset()
            let result = try await body(server)
            await turns.release()
            return result
        } catch {
            await turns.release()
            throw error
        }
    }

    // MARK: - Starting and stopping

    /// Starts a server of its own (most tests want `shared` or `exclusive`) with
    /// `MOTO_IAM_LOAD_MANAGED_POLICIES=true`, so `AWSLambdaBasicExecutionRole` exists, on a free
    /// port, and returns once it answers. Throws, with the log's path and its end, when it exits
    /// or does not answer within `timeout`.
    public static func start(timeout: Duration = .seconds(30)) async throws -> MotoServer {
        let python = try TestPython.interpreter()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-lambda-moto-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        environment["PYTHONUNBUFFERED"] = "1"
        var lastFailure = ""
        // The port is free when picked, but another process may take it before moto binds it.
        for attempt in 1...3 {
            let port = try freePort()
            let logPath = "\(directory)/moto-\(attempt).log"
            let process = try ChildProcess.spawn(
                ChildSpec(
                    executable: python, arguments: ["-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"],
                    environment: environment, output: .file(logPath)))
            registerForExit(process)
            let server = MotoServer(port: port, logPath: logPath, process: process)
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline, process.termination == nil {
                if await server.answers() { return server }
                try await Task.sleep(for: .milliseconds(100))
            }
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let termination = process.termination {
                lastFailure = "moto (\(python) -m moto.server) \(termination) before answering on port \(port)"
                if log.contains("Address already in use") { continue }
            } else {
                await process.stop(signal: SIGTERM, grace: .seconds(2))
                lastFailure = "moto (\(python) -m moto.server) did not answer on port \(port) within \(timeout)"
            }
            throw TestToolError(description: failure(lastFailure, logPath: logPath, log: log))
        }
        throw TestToolError(description: lastFailure)
    }

    /// Clears every service's state (POST /moto-api/reset).
    public func reset() async throws {
        let response = try await request("POST", "/moto-api/reset")
        guard response.status == 200 else {
            throw TestToolError(
                description: "POST \(endpoint)/moto-api/reset answered \(response.status): \(response.text) (log: \(logPath))")
        }
    }

    /// Stops the server (SIGTERM, SIGKILL after 2 s). The shared one is stopped at exit instead.
    public func stop() async {
        await process.stop(signal: SIGTERM, grace: .seconds(2))
    }

    /// One request to moto's own API, on a thread of its own, bounded by 30 s.
    public func request(_ method: String, _ path: String, body: [UInt8] = []) async throws -> RawHTTPResponse {
        let port = port
        return try await RawHTTP.onThread {
            let connection = try RawConnection(port: port, timeout: .seconds(30))
            try connection.send(RawHTTP.requestBytes(method, path, body: body))
            return try connection.readResponse()
        }
    }

    private func answers() async -> Bool {
        (try? await request("GET", "/moto-api/data.json")) != nil
    }

    private static func failure(_ what: String, logPath: String, log: String) -> String {
        let tail = log.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
        let hint =
            log.contains("No module named") ? "\nmoto[server] is missing: run scripts/install-deps or set SWIFT_LAMBDA_TEST_PYTHON" : ""
        return "\(what); its log is \(logPath):\n\(tail)\(hint)"
    }

    /// A port nothing listens on now: the kernel's pick for a socket bound to 127.0.0.1:0.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestToolError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestToolError(description: "binding 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: - At exit

    private static let running = Locked([ChildProcess]())
    private static let exitHandler: Void = {
        atexit { MotoServer.killRunning() }
    }()

    private static func registerForExit(_ process: ChildProcess) {
        _ = exitHandler
        running.withLock { $0.append(process) }
    }

    /// SIGKILL to every server's process group; ChildProcess's reaper thread may not get to run.
    private static func killRunning() {
        for process in running.withLock({ $0 }) { process.signal(SIGKILL) }
    }
}

/// The shared server's start, made once.
private actor SharedStart {
    private var started: Task<MotoServer, any Error>?

    func server() async throws -> MotoServer {
        if let started { return try await started.value }
        let task = Task { try await MotoServer.start() }
        started = task
        return try await task.value
    }
}
