import Foundation
import Testing

@testable import AWSClient

/// Answers from a list, recording what was sent.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Result<HTTPResponse, TransportError>]
    private(set) var sent: [HTTPRequest] = []

    init(_ answers: [Result<HTTPResponse, TransportError>]) { self.answers = answers }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let next: Result<HTTPResponse, TransportError> = lock.withLock {
            sent.append(request)
            return answers.isEmpty ? .success(HTTPResponse(status: 500)) : answers.removeFirst()
        }
        return try next.get()
    }
}

@Suite struct AWSClientSendTests {
    static func client(_ transport: ScriptedTransport, attempts: Int = 3) -> AWSClient {
        AWSClient(
            region: "eu-west-1", endpoints: AWSEndpoints(region: "eu-west-1"),
            credentials: StaticCredentials(AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", source: "test")),
            transport: transport, retry: RetryPolicy(attempts: attempts, baseDelay: 0.001, maximumDelay: 0.002))
    }

    @Test func throttlingIsRetriedThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .success(HTTPResponse(status: 429, headers: ["x-amzn-ErrorType": "TooManyRequestsException"])),
            .success(HTTPResponse(status: 200, body: Data("{}".utf8))),
        ])
        let response = try await Self.client(transport).send(.lambda, operation: "GetFunction", method: "GET", path: "/x")
        #expect(response.status == 200)
        #expect(transport.sent.count == 2)
        #expect(transport.sent[0].host == "lambda.eu-west-1.amazonaws.com")
        #expect(transport.sent[0].header("authorization")?.contains("/eu-west-1/lambda/aws4_request") == true)
    }

    @Test func retriesAreBounded() async throws {
        let transport = ScriptedTransport(Array(repeating: .success(HTTPResponse(status: 503)), count: 5))
        await #expect(throws: AWSError.self) {
            try await Self.client(transport, attempts: 3).send(.lambda, operation: "GetFunction", method: "GET", path: "/x")
        }
        #expect(transport.sent.count == 3)
    }

    @Test func aClientErrorIsNotRetriedAndNamesTheMissingPermission() async throws {
        let body = Data(#"{"Type":"User","message":"User: arn:aws:iam::1:user/ci is not authorized to perform: lambda:GetFunction"}"#.utf8)
        let transport = ScriptedTransport([.success(HTTPResponse(status: 403, headers: ["x-amzn-ErrorType": "AccessDeniedException:http://internal"], body: body))])
        do {
            _ = try await Self.client(transport).send(.lambda, operation: "GetFunction", method: "GET", path: "/x")
            Issue.record("no error")
        } catch let error as AWSError {
            #expect(error.code == "AccessDeniedException")
            #expect("\(error)".contains("lambda:GetFunction"))
            #expect("\(error)".contains("grant it"))
            #expect(!"\(error)".contains("\n"))
        }
        #expect(transport.sent.count == 1)
    }

    @Test func queryErrorsAreReadFromXML() async throws {
        let xml = """
            <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>
            <Code>NoSuchEntity</Code><Message>The role with name x cannot be found.</Message></Error>
            <RequestId>r</RequestId></ErrorResponse>
            """
        let transport = ScriptedTransport([.success(HTTPResponse(status: 404, body: Data(xml.utf8)))])
        #expect(try await IAMAPI(client: Self.client(transport)).roleARN("x") == nil)
        #expect(transport.sent[0].host == "iam.amazonaws.com")
        #expect(transport.sent[0].header("authorization")?.contains("/us-east-1/iam/aws4_request") == true, "IAM signs for us-east-1")
        #expect(String(decoding: transport.sent[0].body, as: UTF8.self) == "Action=GetRole&Version=2010-05-08&RoleName=x")
    }

    @Test func anUnknownHostIsNotRetriedAndBlamesTheRegion() async throws {
        let transport = ScriptedTransport([.failure(TransportError(kind: .unresolvedHost, host: "lambda.eu-wset-1.amazonaws.com", message: "no such host"))])
        do {
            _ = try await Self.client(transport).send(.lambda, operation: "GetFunction", method: "GET", path: "/x")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("check the region"))
        }
        #expect(transport.sent.count == 1)
    }

    @Test func endpointsFollowTheSDKsVariables() {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:2"]
        let endpoints = AWSEndpoints(region: "us-west-2", environment: environment)
        #expect(endpoints.url(for: .lambda).absoluteString == "http://127.0.0.1:1")
        #expect(endpoints.url(for: .s3).absoluteString == "http://127.0.0.1:2")
        #expect(endpoints.signingRegion(for: .iam) == "us-west-2", "a custom endpoint is signed for the configured region")
        #expect(AWSEndpoints(region: "cn-north-1").url(for: .lambda).absoluteString == "https://lambda.cn-north-1.amazonaws.com.cn")
        #expect(AWSEndpoints(region: "cn-north-1").partition == "aws-cn")
        #expect(AWSEndpoints(region: "us-west-2", override: URL(string: "http://localhost:4566")).url(for: .iam).absoluteString == "http://localhost:4566")
    }
}

@Suite struct NotFoundTests {
    /// One rule for "missing", whether the service names its code or answers a bare 404.
    @Test func codesAndBare404sAreNotFound() {
        func failure(_ status: Int, _ code: String) -> AWSError {
            .service(AWSError.Failure(service: .lambda, operation: "X", status: status, code: code, message: ""))
        }
        #expect(failure(404, "ResourceNotFoundException").isNotFound)
        #expect(failure(404, "NotFound").isNotFound)
        #expect(failure(400, "NoSuchEntity").isNotFound)
        #expect(failure(404, "HTTP404").isNotFound)
        #expect(!failure(403, "AccessDeniedException").isNotFound)
        #expect(!failure(409, "ResourceConflictException").isNotFound)
        #expect(!AWSError.noRegion.isNotFound)
    }
}
