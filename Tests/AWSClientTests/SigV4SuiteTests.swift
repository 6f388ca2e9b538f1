import Foundation
import LambdaTestSupport
import Testing

@testable import AWSClient

/// The signer against AWS's published SigV4 suite (from botocore's sdist, fetched and cached by
/// `AWS4TestSuite`) and against botocore's own signer on the requests this client really sends.
@Suite struct SigV4SuiteTests {
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z

    /// Cases this signer is known not to match, each with its reason. Empty: every case of the
    /// suite passes, including those botocore's own test_sigv4.py has skipped (the raw space in
    /// normalize-path/get-space's request line, the repeated query keys of
    /// get-vanilla-query-order-key*), since the path is taken as written and pairs are sorted by
    /// name then value.
    static let knownDifferences: [String: String] = [:]

    /// A `.req` as an `HTTPRequest`: the path as written (raw spaces and UTF-8 included; the
    /// signer encodes it), the query decoded into pairs, the headers in order, the body.
    static func request(_ testCase: AWS4TestCase) -> HTTPRequest {
        let parsed = testCase.parsedRequest
        var request = HTTPRequest(method: parsed.method, endpoint: URL(string: "https://\(parsed.host ?? "example.amazonaws.com")")!, path: "")
        let target = parsed.target
        let questionMark = target.firstIndex(of: "?")
        request.path = String(target[..<(questionMark ?? target.endIndex)])
        if let questionMark {
            request.query = target[target.index(after: questionMark)...].split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let decode = { (part: Substring) in part.removingPercentEncoding ?? String(part) }
                return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
            }
        }
        request.headers = parsed.headers.map { HTTPHeader($0.name, $0.value) }
        request.body = Data(parsed.body)
        return request
    }

    @Test func everyCaseOfAWSsSuite() async throws {
        let cases = try await AWS4TestSuite.cases()
        #expect(cases.count >= 28)
        let credentials = AWSCredentials(accessKeyID: AWS4TestSuite.accessKey, secretAccessKey: AWS4TestSuite.secretKey, source: "suite")
        var passed: [String] = []
        for testCase in cases {
            var signing = credentials
            // get-vanilla-with-session-token signs a token its .req does not carry.
            signing.sessionToken = testCase.sessionToken
            let signed = SigV4.sign(
                Self.request(testCase), credentials: signing, region: AWS4TestSuite.region, service: AWS4TestSuite.service, date: Self.date)
            let signature = SigV4.signature(
                for: signed, credentials: signing, region: AWS4TestSuite.region, service: AWS4TestSuite.service, date: Self.date)
            let matches =
                signature.canonicalRequest == testCase.canonicalRequest && signature.stringToSign == testCase.stringToSign
                && signature.authorization == testCase.authorization && signed.header("authorization") == testCase.authorization
            if let reason = Self.knownDifferences[testCase.name] {
                #expect(!matches, "\(testCase.name) now passes; remove it from knownDifferences (\(reason))")
                continue
            }
            #expect(signature.canonicalRequest == testCase.canonicalRequest, "\(testCase.name): canonical request")
            #expect(signature.stringToSign == testCase.stringToSign, "\(testCase.name): string to sign")
            #expect(signature.authorization == testCase.authorization, "\(testCase.name): authorization")
            #expect(signed.header("authorization") == testCase.authorization, "\(testCase.name): signed request")
            if matches { passed.append(testCase.name) }
        }
        #expect(passed.count + Self.knownDifferences.count == cases.count)
    }

    // MARK: - botocore

    /// Records what the client sends, signed, and answers each service with an empty success.
    final class Capture: HTTPTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var sent: [HTTPRequest] = []
        var requests: [HTTPRequest] { lock.withLock { sent } }

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            lock.withLock { sent.append(request) }
            let body = request.host.contains("sts") || request.host.contains("iam") || request.host == "127.0.0.1" && request.path == "/"
                ? "<R><Account>1</Account><Arn>a</Arn><Role><Arn>a</Arn></Role><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey></Credentials></R>" : #"{"Configuration": {}}"#
            return HTTPResponse(status: 200, body: Data(body.utf8))
        }
    }

    /// The calls deploy makes, each through the API types, on one client.
    static func realRequests(endpoint: URL?, token: String?) async throws -> (requests: [HTTPRequest], endpoints: AWSEndpoints) {
        let capture = Capture()
        let endpoints = AWSEndpoints(region: "eu-west-1", override: endpoint)
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: token, source: "test")
        let client = AWSClient(
            region: "eu-west-1", endpoints: endpoints, credentials: StaticCredentials(credentials), transport: capture, retry: .none,
            now: { Self.date })
        let lambda = LambdaAPI(client: client)
        let zip = Data((0..<2048).map { UInt8($0 % 251) })
        _ = try await lambda.getFunction("arn:aws:lambda:eu-west-1:123456789012:function:echo", qualifier: "$LATEST")
        _ = try await lambda.createFunction(
            name: "echo", code: .zip(zip),
            settings: .init(role: "arn:aws:iam::123456789012:role/r", runtime: "provided.al2023", handler: "bootstrap",
                environment: ["GREETING": "hé llo & bye"]),
            architecture: "arm64", tags: ["team": "a b"], publish: true)
        _ = try await lambda.updateFunctionCode(name: "echo", code: .zip(zip), architecture: "x86_64")
        _ = try await lambda.createFunctionURLConfig(function: "echo", qualifier: "live", authType: "NONE")
        _ = try await STSAPI(client: client).callerIdentity()
        _ = try await STSAPI(client: client).assumeRole(
            arn: "arn:aws:iam::123456789012:role/r", sessionName: "a=b@c.d", externalID: "x/y+z", durationSeconds: 900, source: "t")
        _ = try await IAMAPI(client: client).createRole(
            name: "swift-lambda-execution",
            trustPolicy: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            description: "swift-lambda's role (*)")
        try await S3API(client: client).putObject(bucket: "swift-lambda-123456789012-eu-west-1", key: "functions/echo 1.zip", body: zip)
        return (capture.requests, endpoints)
    }

    static let signingAdded: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]

    @Test(arguments: [nil, "http://127.0.0.1:5000"], [nil, "FwoGZXIvYXdzEXAMPLE//token+/="])
    func sameAuthorizationAsBotocore(endpoint: String?, token: String?) async throws {
        let (requests, endpoints) = try await Self.realRequests(endpoint: endpoint.flatMap(URL.init(string:)), token: token)
        #expect(requests.count == 8)
        let services: [AWSService] = [.lambda, .lambda, .lambda, .lambda, .sts, .sts, .iam, .s3]
        for (request, service) in zip(requests, services) {
            let unsigned = request.headers.filter { !Self.signingAdded.contains($0.name.lowercased()) }
            let botocore = try await BotocoreSigner.sign(
                method: request.method, url: request.url.absoluteString, headers: unsigned.map { ($0.name, $0.value) },
                body: Array(request.body), service: service.signingName, region: endpoints.signingRegion(for: service),
                credentials: .init(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: token),
                timestamp: AWS4TestSuite.timestamp)
            let label = "\(request.method) \(request.url.absoluteString)"
            #expect(request.header("authorization") == botocore.authorization, "\(label)\nbotocore's canonical request:\n\(botocore.canonicalRequest)")
            #expect(request.header("x-amz-security-token") == botocore.securityToken, "\(label)")
            #expect(request.header("x-amz-content-sha256") == botocore.contentSHA256, "\(label)")
        }
    }
}
