import Foundation
import Testing

@testable import AWSClient

/// Container credentials and IMDSv2 against a fake server on 127.0.0.1, through the real
/// URLSession transport.
@Suite struct CredentialChainMetadataTests {
    @Test func containerFullURIWithTheTokenFileWinningOverTheToken() async throws {
        let server = try LoopbackServer { request in
            request.target == "/v2/credentials?id=7" ? .respond(status: 200, body: Canned.json(key: "ASIACONTAINER")) : .respond(status: 404, body: "")
        }
        defer { server.stop() }
        try await TemporaryHome.with { home in
            try home.write("agent-token", "file-token\n")
            let found = try await home.chain(
                [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "\(server.endpoint)/v2/credentials?id=7",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "variable-token", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "~/agent-token",
                ], transport: URLSessionTransport()
            ).credentials()
            #expect(found.accessKeyID == "ASIACONTAINER")
            #expect(found.sessionToken == "json-token")
            #expect(found.expiration == ISO8601.date(Canned.future))
            #expect(found.source == "container credentials")
            #expect(server.requests.map(\.headers["authorization"]) == ["file-token"])
        }
    }

    @Test func containerRelativeURIGoesToTheAgentsAddress() async throws {
        try await TemporaryHome.with { home in
            let transport = FakeTransport { _ in HTTPResponse(status: 200, body: Data(Canned.json(key: "ASIAECS").utf8)) }
            let found = try await home.chain(
                ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"],
                transport: transport
            ).credentials()
            #expect(found.accessKeyID == "ASIAECS")
            #expect(transport.requests.map(\.url.absoluteString) == ["http://169.254.170.2/v2/credentials/abc"])
            #expect(transport.requests.first?.header("authorization") == "t")
        }
    }

    @Test(arguments: ["http://example.com/creds", "http://10.0.0.1/creds", "http://169.254.170.3/x"])
    func containerFullURIOverPlainHTTPOnlyToLoopbackOrTheAgent(uri: String) async throws {
        try await TemporaryHome.with { home in
            let transport = FakeTransport()
            let error = await thrownError { try await home.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], transport: transport).credentials() }
            #expect("\(error!)".contains("is plain http to"))
            #expect(transport.requests.isEmpty)
        }
        for allowed in ["http://127.0.0.2:80/x", "http://[::1]:80/x", "http://169.254.170.23/x", "http://localhost/x", "https://example.com/x"] {
            #expect((try? CredentialChain.checkedContainerURL(allowed)) != nil, "\(allowed)")
        }
    }

    @Test func containerErrorAnswerIsAnError() async throws {
        let server = try LoopbackServer { _ in .respond(status: 500, body: "{}") }
        defer { server.stop() }
        try await TemporaryHome.with { home in
            let uri = "\(server.endpoint)/creds"
            let error = await thrownError {
                try await home.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": uri], transport: URLSessionTransport()).credentials()
            }
            #expect("\(error!)" == "could not get credentials from container credentials at \(uri): it answered HTTP 500; check the container's task role")
        }
    }

    static func instanceMetadata(_ request: LoopbackServer.Request) -> LoopbackServer.Answer {
        switch (request.method, request.target) {
        case ("PUT", "/latest/api/token"):
            request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
                ? .respond(status: 200, body: "session-token") : .respond(status: 400, body: "")
        case ("GET", let target) where request.headers["x-aws-ec2-metadata-token"] != "session-token":
            .respond(status: 401, body: target)
        case ("GET", "/latest/meta-data/iam/security-credentials/"):
            .respond(status: 200, body: "instance-role\n")
        case ("GET", "/latest/meta-data/iam/security-credentials/instance-role"):
            .respond(status: 200, body: Canned.json(key: "ASIAINSTANCE"))
        default:
            .respond(status: 404, body: "")
        }
    }

    @Test func instanceMetadataV2TokenRoleThenCredentials() async throws {
        let server = try LoopbackServer(Self.instanceMetadata)
        defer { server.stop() }
        try await TemporaryHome.with { home in
            let found = try await home.chain(
                ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint], transport: URLSessionTransport()
            ).credentials()
            #expect(found.accessKeyID == "ASIAINSTANCE")
            #expect(found.source == "EC2 instance metadata (role instance-role)")
            #expect(
                server.requests.map { "\($0.method) \($0.target)" } == [
                    "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                    "GET /latest/meta-data/iam/security-credentials/instance-role",
                ])
        }
    }

    @Test func instanceMetadataRefusingTheTokenFallsBackToV1() async throws {
        let server = try LoopbackServer { request in
            switch (request.method, request.target) {
            case ("PUT", _): .respond(status: 403, body: "")
            case (_, "/latest/meta-data/iam/security-credentials/"): .respond(status: 200, body: "old-role")
            case (_, "/latest/meta-data/iam/security-credentials/old-role"): .respond(status: 200, body: Canned.json(key: "ASIAV1"))
            default: .respond(status: 404, body: "")
            }
        }
        defer { server.stop() }
        try await TemporaryHome.with { home in
            let found = try await home.chain(
                ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint + "/"],
                transport: URLSessionTransport()
            ).credentials()
            #expect(found.accessKeyID == "ASIAV1")
            #expect(server.requests.dropFirst().allSatisfy { $0.headers["x-aws-ec2-metadata-token"] == nil })
        }
    }

    @Test func instanceMetadataThatDoesNotAnswerGivesUpAfterOneSecond() async throws {
        let server = try LoopbackServer { _ in .silence(seconds: 4) }
        defer { server.stop() }
        try await TemporaryHome.with { home in
            let start = Date()
            let error = await thrownError {
                try await home.chain(
                    ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint],
                    transport: URLSessionTransport()
                ).credentials()
            }
            #expect(Date().timeIntervalSince(start) < 3.5)
            #expect(server.requests.count == 1)
            guard case .noCredentials(let looked) = error as? AWSError else {
                Issue.record("expected noCredentials, got \(String(describing: error))")
                return
            }
            #expect(looked.last == "EC2 instance metadata (at \(server.endpoint): no answer in 1 s)")
        }
    }

    @Test func instanceMetadataDisabledIsNotAsked() async throws {
        try await TemporaryHome.with { home in
            let transport = FakeTransport()
            let error = await thrownError { try await home.chain(["AWS_EC2_METADATA_DISABLED": "TRUE"], transport: transport).credentials() }
            guard case .noCredentials(let looked) = error as? AWSError else {
                Issue.record("expected noCredentials, got \(String(describing: error))")
                return
            }
            #expect(looked.last == "EC2 instance metadata (AWS_EC2_METADATA_DISABLED is true)")
            #expect(transport.requests.isEmpty)
        }
    }
}
