import Foundation
import LambdaSupport
import Testing

@testable import AWSClient

/// A transport answering from a closure and recording each request; a request it has no answer
/// for fails the test (an unmocked call to the network is a bug in the test or the chain).
final class FakeTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private let answer: @Sendable (HTTPRequest) -> HTTPResponse?

    init(_ answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse? = { _ in nil }) {
        self.answer = answer
    }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { recorded.append(request) }
        // Off EC2 nothing answers at the metadata address.
        if let response = answer(request) { return response }
        if request.host == "169.254.169.254" {
            throw TransportError(kind: .connectionFailed, host: request.host, message: "connection refused")
        }
        Issue.record("unexpected request \(request.method) \(request.url)")
        throw TransportError(kind: .other, host: request.host, message: "no answer in this test")
    }
}

/// The canned answers of the fake sources.
enum Canned {
    static let future = "2099-01-01T00:00:00Z"

    static func stsCredentials(_ action: String, key: String, secret: String = "sts-secret") -> HTTPResponse {
        HTTPResponse(
            status: 200,
            body: Data("""
                <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><\(action)Result><Credentials>
                <AccessKeyId>\(key)</AccessKeyId><SecretAccessKey>\(secret)</SecretAccessKey><SessionToken>sts-token</SessionToken>
                <Expiration>\(future)</Expiration></Credentials></\(action)Result></\(action)Response>
                """.utf8))
    }

    static func json(key: String, secret: String = "json-secret", expiration: String = future) -> String {
        #"{"Code": "Success", "AccessKeyId": "\#(key)", "SecretAccessKey": "\#(secret)", "Token": "json-token", "Expiration": "\#(expiration)"}"#
    }

    /// The form parameters of a query call (STS).
    static func form(_ request: HTTPRequest) -> [String: String] {
        var pairs: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            pairs[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return pairs
    }
}

/// A temporary home directory with `.aws/credentials` and `.aws/config`, removed afterwards: the
/// chain reads this one, never the developer's.
struct TemporaryHome {
    let path: String

    static func with<T>(
        credentials: String? = nil, config: String? = nil, _ body: (TemporaryHome) async throws -> T
    ) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swift-lambda-home-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let home = TemporaryHome(path: path)
        if let credentials { try home.write(".aws/credentials", credentials) }
        if let config { try home.write(".aws/config", config) }
        return try await body(home)
    }

    func write(_ relative: String, _ text: String, executable: Bool = false) throws {
        let file = "\(path)/\(relative)"
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
    }

    /// The variables a test starts from: this home, the real PATH (for credential_process), and
    /// instance metadata off unless a test turns it on.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["HOME": path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"]
        environment.merge(extra) { $1 }
        return environment
    }

    /// Each profile's credentials fail with exactly its message, which never holds `secret`.
    func expectErrors(byProfile expected: [String: String], withoutSecret secret: String? = nil) async {
        for (profile, message) in expected {
            let error = await thrownError { try await chain(profile: profile).credentials() }
            #expect(error.map { "\($0)" } == message)
            if let secret { #expect(error.map { "\($0)".contains(secret) } == false) }
        }
    }

    func chain(
        _ extra: [String: String] = [:], profile: String? = nil, transport: any HTTPTransport = FakeTransport(),
        endpoints: AWSEndpoints? = nil, now: @escaping @Sendable () -> Date = { Date() },
        trace: (@Sendable (String) -> Void)? = nil
    ) -> CredentialChain {
        CredentialChain(
            profile: profile, environment: environment(extra), home: path, endpoints: endpoints, transport: transport, now: now,
            trace: trace)
    }
}

/// The error a call threw, for assertions on its text.
func thrownError(_ body: () async throws -> some Any) async -> (any Error)? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

/// Lines written to a trace, for checking that no secret is in them.
final class TraceLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
    var sink: @Sendable (String) -> Void { { line in self.lock.withLock { self.lines.append(line) } } }
}
