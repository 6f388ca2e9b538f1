import Foundation
import LambdaSupport
import LambdaTestSupport
import Testing

/// The peers the deploy tests stand on: moto as the AWS, boto3 to read back, botocore's signer and
/// AWS's SigV4 suite. Each is checked here once, so a deploy test that fails is about deploy.
@Suite struct TestToolsTests {
    @Test func theInterpreterIsTheOneTheVariableNames() throws {
        #expect(try TestPython.interpreter(environment: ["SWIFT_LAMBDA_TEST_PYTHON": "/usr/bin/env"]) == "/usr/bin/env")
        let onPath = try TestPython.interpreter(environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        #expect(onPath == TestPython.venvInterpreter || onPath.hasSuffix("/python3"))
    }

    @Test func motoAnswersBoto3() async throws {
        try await MotoServer.exclusive { server in
            #expect(server.endpoint == "http://127.0.0.1:\(server.port)")
            #expect(
                server.environment == [
                    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
                    "AWS_ENDPOINT_URL": server.endpoint,
                ])
            let listed = try await Boto3.call("lambda", "list_functions", endpoint: server.endpoint)
            #expect(listed.errorCode == nil, "\(listed.text)")
            #expect(listed.httpStatus == 200)
            #expect((listed["Functions"] as? [Any])?.isEmpty == true, "\(listed.text)")
            // MOTO_IAM_LOAD_MANAGED_POLICIES: the policy deploy attaches to the role it creates.
            let policy = try await Boto3.call(
                "iam", "get_policy", ["PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
                endpoint: server.endpoint)
            #expect(policy.value(at: "Policy", "PolicyName") as? String == "AWSLambdaBasicExecutionRole", "\(policy.text)")
        }
    }

    /// Zip bytes go up as bytes, a service's refusal comes back as an error code, and a reset
    /// forgets everything.
    @Test func boto3ReportsServiceErrorsAndResetForgets() async throws {
        try await MotoServer.exclusive { server in
            let role = try await Boto3.call(
                "iam", "create_role",
                ["RoleName": "tools-test", "AssumeRolePolicyDocument": Self.lambdaTrustPolicy], endpoint: server.endpoint)
            let roleARN = try #require(role.value(at: "Role", "Arn") as? String, "\(role.text)")
            let zip = try Self.zip()
            let created = try await Boto3.call(
                "lambda", "create_function",
                [
                    "FunctionName": "tools-test", "Runtime": "provided.al2023", "Handler": "bootstrap", "Role": roleARN,
                    "Code": ["ZipFile": zip], "Architectures": ["x86_64"],
                ], endpoint: server.endpoint)
            #expect(created.errorCode == nil, "\(created.text)")
            let function = try await Boto3.call("lambda", "get_function", ["FunctionName": "tools-test"], endpoint: server.endpoint)
            #expect(function.value(at: "Configuration", "CodeSha256") as? String == Self.base64SHA256(zip), "\(function.text)")
            #expect(function.value(at: "Configuration", "LastModified") is String)

            try await server.reset()
            let gone = try await Boto3.call("lambda", "get_function", ["FunctionName": "tools-test"], endpoint: server.endpoint)
            #expect(gone.errorCode == "ResourceNotFoundException", "\(gone.text)")
            #expect(gone.httpStatus == 404)
            let roleGone = try await Boto3.call("iam", "get_role", ["RoleName": "tools-test"], endpoint: server.endpoint)
            #expect(roleGone.errorCode == "NoSuchEntity", "\(roleGone.text)")
        }
    }

    @Test func boto3RejectsAnUnknownOperation() async throws {
        let server = try await MotoServer.shared()
        await #expect(throws: (any Error).self) {
            try await Boto3.call("lambda", "no_such_operation", endpoint: server.endpoint)
        }
    }

    /// As shipped in botocore 1.43.11: a newer botocore that adds or drops a case shows here.
    @Test func theSigV4SuiteHasEveryCase() async throws {
        let cases = try await AWS4TestSuite.cases()
        #expect(cases.map(\.name) == Self.suiteCases)
        for testCase in cases {
            #expect(
                testCase.authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "),
                "\(testCase.name)")
            #expect(testCase.parsedRequest.host == "example.amazonaws.com", "\(testCase.name)")
            // "\n" throughout, as documented in AWS4TestSuite.swift.
            #expect(!testCase.request.contains(13) && !testCase.canonicalRequest.contains("\r"), "\(testCase.name)")
        }
        let multiline = try #require(cases.first { $0.name == "get-header-value-multiline" }).parsedRequest
        #expect(multiline.headers.map(\.name) == ["Host", "My-Header1", "X-Amz-Date"])
        #expect(multiline.headers[1].value == "value1\n  value2\n     value3")
        let form = try #require(cases.first { $0.name == "post-x-www-form-urlencoded" }).parsedRequest
        #expect(form.method == "POST" && form.target == "/" && form.body == Array("Param1=value1".utf8))
        let space = try #require(cases.first { $0.name == "normalize-path/get-space" }).parsedRequest
        #expect(space.target == "/example space/")
        let token = try #require(cases.first { $0.name == "post-sts-token/post-sts-header-before" })
        #expect(token.sessionToken?.hasPrefix("AQoDYXdzEPT//////////wEXAMPLE") == true)
    }

    @Test func botocoreSignsGetVanillaAsTheSuiteExpects() async throws {
        let vanilla = try #require(try await AWS4TestSuite.cases().first { $0.name == "get-vanilla" })
        let request = vanilla.parsedRequest
        let signed = try await BotocoreSigner.sign(
            method: request.method, url: "https://\(request.host ?? "")\(request.target)", headers: request.headers,
            body: request.body, service: AWS4TestSuite.service, region: AWS4TestSuite.region,
            credentials: .init(accessKey: AWS4TestSuite.accessKey, secretKey: AWS4TestSuite.secretKey),
            timestamp: AWS4TestSuite.timestamp)
        #expect(signed.authorization == vanilla.authorization)
        #expect(signed.canonicalRequest == vanilla.canonicalRequest)
        #expect(signed.stringToSign == vanilla.stringToSign)
        #expect(signed.amzDate == AWS4TestSuite.timestamp)
        #expect(signed.securityToken == nil && signed.contentSHA256 == nil)
    }

    /// S3's signer adds the payload's hash, and a session token is sent (not signed over by
    /// this suite's rules, but set by botocore).
    @Test func botocoreSignsS3WithThePayloadHashAndAToken() async throws {
        let signed = try await BotocoreSigner.sign(
            method: "PUT", url: "http://127.0.0.1:5000/bucket/key.zip", headers: [], body: Array("hello".utf8),
            service: "s3", region: "us-east-1",
            credentials: .init(accessKey: "testing", secretKey: "testing", sessionToken: "token"),
            timestamp: "20260101T000000Z")
        #expect(signed.contentSHA256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(signed.securityToken == "token")
        #expect(signed.amzDate == "20260101T000000Z")
        #expect(signed.authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "))
        #expect(signed.canonicalRequest.contains("host:127.0.0.1:5000\n"))
    }

    static let suiteCases = [
        "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
        "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
        "get-vanilla-query-order-encoded", "get-vanilla-query-order-key", "get-vanilla-query-order-key-case",
        "get-vanilla-query-order-value", "get-vanilla-query-unreserved", "get-vanilla-utf8-query",
        "get-vanilla-with-session-token", "normalize-path/get-relative", "normalize-path/get-relative-relative",
        "normalize-path/get-slash", "normalize-path/get-slash-dot-slash", "normalize-path/get-slash-pointless-dot",
        "normalize-path/get-slashes", "normalize-path/get-space", "normalize-path/get-special-character",
        "post-header-key-case", "post-header-key-sort", "post-header-value-case", "post-sts-token/post-sts-header-after",
        "post-sts-token/post-sts-header-before", "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query",
        "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters",
    ]

    static let lambdaTrustPolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#

    /// A small real zip, written by Info-ZIP's zip (scripts/install-deps).
    static func zip() throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tools-zip-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "#!/bin/sh\necho hello\n".write(toFile: "\(directory)/bootstrap", atomically: true, encoding: .utf8)
        let result = try TestCommand.run("/usr/bin/env", ["zip", "-q", "-X", "bootstrap.zip", "bootstrap"], in: directory)
        guard result.status == 0, let data = FileManager.default.contents(atPath: "\(directory)/bootstrap.zip") else {
            throw TestToolError(description: "zip failed: \(result.standardError)")
        }
        return data
    }

    static func base64SHA256(_ data: Data) -> String {
        Data(SHA256Hasher.hash(Array(data))).base64EncodedString()
    }
}
