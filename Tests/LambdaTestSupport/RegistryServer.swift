// A real OCI registry for the push tests: Debian's docker-registry (the CNCF distribution
// registry) on a free 127.0.0.1 port, optionally behind htpasswd Basic auth, relative Location
// headers, or a Python front that asks for Bearer tokens (Python/registry_token_front.py).
// Every server is stopped by its pid (SIGTERM) when the test's body ends, thrown or not.

import Foundation
import LambdaSupport

#if canImport(Glibc)
    import Glibc
#endif

public final class RegistryServer: Sendable {
    /// What a test registry asks of its clients.
    public struct Options: Sendable {
        /// htpasswd Basic auth with this user and password (bcrypt, `htpasswd -Bbn`).
        public var basicLogin: (user: String, password: String)?
        /// `http.relativeurls`: Location headers without scheme and host.
        public var relativeURLs: Bool
        /// A Bearer-token front on its own port; its realm checks this login when given.
        public var bearer: Bool
        public var bearerLogin: (user: String, password: String)?

        public init(
            basicLogin: (user: String, password: String)? = nil, relativeURLs: Bool = false, bearer: Bool = false,
            bearerLogin: (user: String, password: String)? = nil
        ) {
            self.basicLogin = basicLogin
            self.relativeURLs = relativeURLs
            self.bearer = bearer
            self.bearerLogin = bearerLogin
        }
    }

    /// The registry's own port (skopeo reads back through it).
    public let registryPort: Int
    /// The port clients push to: the front's when there is one.
    public let port: Int
    public let directory: String
    let processes: [ChildProcess]

    /// `127.0.0.1:PORT` of the port clients push to.
    public var address: String { "127.0.0.1:\(port)" }

    init(registryPort: Int, port: Int, directory: String, processes: [ChildProcess]) {
        self.registryPort = registryPort
        self.port = port
        self.directory = directory
        self.processes = processes
    }

    /// Runs `body` with a fresh registry (and front), stopped afterwards on every path.
    public static func with<T>(_ options: Options = Options(), _ body: (RegistryServer) async throws -> T) async throws
        -> T
    {
        try await stopping(try await start(options), after: body)
    }

    /// `body` with `server`, which is stopped afterwards on every path.
    private static func stopping<T>(_ server: RegistryServer, after body: (RegistryServer) async throws -> T) async throws -> T {
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    public func stop() async {
        for process in processes.reversed() { _ = await process.stop(signal: SIGTERM, grace: .seconds(2)) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func start(_ options: Options) async throws -> RegistryServer {
        let executable = "/usr/bin/docker-registry"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestToolError(
                description: "\(executable) is missing: run scripts/install-deps (Debian docker-registry)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "swift-lambda-registry-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
        var auth = ""
        if let login = options.basicLogin {
            let result = try TestCommand.run(
                "/usr/bin/htpasswd", ["-Bbn", login.user, login.password], timeout: .seconds(30))
            guard result.status == 0 else {
                throw TestToolError(description: "htpasswd failed: \(result.standardError)")
            }
            try result.standardOutput.write(toFile: "\(directory)/htpasswd", atomically: true, encoding: .utf8)
            auth = "auth:\n  htpasswd:\n    realm: swift-lambda-test\n    path: \(directory)/htpasswd\n"
        }
        var lastFailure = ""
        for attempt in 1...3 {
            let port = try MotoServer.freePort()
            let config = """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: \(directory)/data
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:\(port)
                  relativeurls: \(options.relativeURLs)
                \(auth)
                """
            try config.write(toFile: "\(directory)/config.yml", atomically: true, encoding: .utf8)
            let logPath = "\(directory)/registry-\(attempt).log"
            let registry = try ChildProcess.spawn(
                ChildSpec(
                    executable: executable, arguments: ["serve", "\(directory)/config.yml"], environment: [:],
                    output: .file(logPath)))
            if try await waitUntilAnswering(port: port, process: registry) {
                guard options.bearer else {
                    return RegistryServer(registryPort: port, port: port, directory: directory, processes: [registry])
                }
                do {
                    let front = try await startFront(upstream: port, login: options.bearerLogin, directory: directory)
                    return RegistryServer(
                        registryPort: port, port: front.port, directory: directory,
                        processes: [registry, front.process])
                } catch {
                    _ = await registry.stop(signal: SIGTERM, grace: .seconds(2))
                    throw error
                }
            }
            _ = await registry.stop(signal: SIGTERM, grace: .seconds(2))
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            lastFailure =
                "docker-registry did not answer on 127.0.0.1:\(port); its log (\(logPath)):\n\(log.suffix(2000))"
            if !log.contains("address already in use") { break }
        }
        throw TestToolError(description: lastFailure)
    }

    /// A front that refuses everything with `status` (403, 500), as a refusing registry does.
    public static func withRefusing<T>(status: Int, _ body: (RegistryServer) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "swift-lambda-refusing-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let front = try await startFront(upstream: nil, login: nil, directory: directory, answer: status)
        let server = RegistryServer(
            registryPort: front.port, port: front.port, directory: directory, processes: [front.process])
        return try await stopping(server, after: body)
    }

    static func startFront(
        upstream: Int?, login: (user: String, password: String)?, directory: String, answer: Int? = nil
    ) async throws
        -> (port: Int, process: ChildProcess)
    {
        let portFile = "\(directory)/front-\(UUID().uuidString.prefix(6)).port"
        var arguments = ["\(TestPython.scriptsDirectory)/registry_token_front.py", "--port-file", portFile]
        if let upstream { arguments += ["--upstream", "\(upstream)"] }
        if let login { arguments += ["--user", login.user, "--password", login.password] }
        if let answer { arguments += ["--answer", "\(answer)"] }
        let process = try ChildProcess.spawn(
            ChildSpec(
                executable: try TestPython.interpreter(), arguments: arguments,
                environment: ["PYTHONDONTWRITEBYTECODE": "1"],
                output: .file("\(directory)/front.log")))
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, process.termination == nil {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text),
                try await waitUntilAnswering(port: port, process: process)
            {
                return (port, process)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = await process.stop(signal: SIGTERM, grace: .seconds(2))
        let log = (try? String(contentsOfFile: "\(directory)/front.log", encoding: .utf8)) ?? ""
        throw TestToolError(description: "the registry token front did not start: \(log.suffix(2000))")
    }

    /// Whether `GET /v2/` gets any answer within 60 s while `process` runs. It answers in 0.3 s on
    /// an idle machine; beside the compile-heavy suites on two cores it was seen to take over 10.
    static func waitUntilAnswering(port: Int, process: ChildProcess) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, process.termination == nil {
            let answered = try? await RawHTTP.onThread {
                let connection = try RawConnection(port: port, timeout: .seconds(5))
                try connection.send(RawHTTP.requestBytes("GET", "/v2/"))
                return try connection.readResponse().status
            }
            if answered != nil { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// What the token front issued: `tokens` (a count) and the `scopes` asked for.
    public func frontStats() async throws -> [String: Any] {
        let port = port
        let body = try await RawHTTP.onThread {
            let connection = try RawConnection(port: port, timeout: .seconds(10))
            try connection.send(RawHTTP.requestBytes("GET", "/front/stats"))
            return try connection.readResponse().body
        }
        return (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }
}
