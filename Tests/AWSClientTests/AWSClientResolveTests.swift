import Foundation
import Testing

@testable import AWSClient

@Suite struct AWSClientResolveTests {
    @Test func regionPrecedence() throws {
        let environment = ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"]
        #expect(try AWSRegionResolver.resolve(flag: "us-west-2", environment: environment, profileRegion: "ap-south-1") == "us-west-2")
        #expect(try AWSRegionResolver.resolve(flag: nil, environment: environment, profileRegion: "ap-south-1") == "eu-west-1")
        #expect(try AWSRegionResolver.resolve(flag: "", environment: ["AWS_DEFAULT_REGION": "eu-west-2"], profileRegion: "ap-south-1") == "eu-west-2")
        #expect(try AWSRegionResolver.resolve(flag: nil, environment: ["AWS_REGION": ""], profileRegion: "ap-south-1") == "ap-south-1")
        #expect(throws: AWSError.noRegion) { try AWSRegionResolver.resolve(flag: nil, environment: [:], profileRegion: nil) }
    }

    @Test func regionTyposAreRefusedWithTheNearestKnownRegion() throws {
        #expect(throws: AWSError.badRegion("us-est-1", suggestion: "us-east-1")) { try AWSRegionResolver.validate("us-est-1") }
        #expect(throws: AWSError.badRegion("US-EAST-1", suggestion: "us-east-1")) { try AWSRegionResolver.validate("US-EAST-1") }
        #expect(throws: AWSError.badRegion("euwest1", suggestion: "eu-west-1")) { try AWSRegionResolver.validate("euwest1") }
        #expect("\(AWSError.badRegion("us-est-1", suggestion: "us-east-1"))" == "'us-est-1' is not an AWS region; did you mean 'us-east-1'?")
        // A region newer than the list: a known name with another number, or a new name.
        try AWSRegionResolver.validate("ap-southeast-9")
        try AWSRegionResolver.validate("xy-newland-1")
    }

    @Test func theProfileGivesRegionAndEndpointBelowFlagsAndVariables() async throws {
        let config = "[profile local]\nregion = eu-central-1\nendpoint_url = http://127.0.0.1:4566\n[default]\nregion = us-west-1\n"
        try await TemporaryHome.with(config: config) { home in
            func client(_ flag: String?, _ extra: [String: String] = [:], region: String? = nil) async throws -> AWSClient {
                try await AWSClient.resolve(
                    region: region, profile: "local", endpointURL: flag, environment: home.environment(extra), home: home.path,
                    transport: FakeTransport())
            }
            let plain = try await client(nil)
            #expect(plain.region == "eu-central-1")
            #expect(plain.endpoints.url(for: .lambda).absoluteString == "http://127.0.0.1:4566")
            #expect(try await client(nil, ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"]).endpoints.url(for: .s3).absoluteString == "http://127.0.0.1:5000")
            #expect(try await client("http://127.0.0.1:6000", ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"]).endpoints.url(for: .sts).absoluteString == "http://127.0.0.1:6000")
            let ignored = try await client(nil, ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"], region: "us-east-2")
            #expect(ignored.endpoints.url(for: .lambda).absoluteString == "https://lambda.us-east-2.amazonaws.com")
            #expect(ignored.region == "us-east-2")
            let error = await thrownError { try await client("ftp://x") }
            #expect("\(error!)" == "'ftp://x' is not an endpoint URL; give one like http://127.0.0.1:5000 or https://lambda.us-east-1.amazonaws.com")
            let fallback = try await AWSClient.resolve(
                region: nil, profile: nil, endpointURL: nil, environment: home.environment(), home: home.path, transport: FakeTransport())
            #expect(fallback.region == "us-west-1")
            #expect(fallback.endpoints.url(for: .iam).absoluteString == "https://iam.amazonaws.com")
        }
    }

    @Test func theFactoryRefusesAMissingProfileAndANoRegionRun() async throws {
        try await TemporaryHome.with(credentials: "[default]\n") { home in
            let missing = await thrownError {
                try await AWSClient.resolve(
                    region: "us-east-1", profile: nil, endpointURL: nil, environment: home.environment(["AWS_PROFILE": "nope"]),
                    home: home.path, transport: FakeTransport())
            }
            #expect(
                missing as? AWSError
                    == .profileNotFound(name: "nope", files: ["\(home.path)/.aws/credentials", "\(home.path)/.aws/config"], existing: ["default"]))
            let noRegion = await thrownError {
                try await AWSClient.resolve(
                    region: nil, profile: nil, endpointURL: nil, environment: home.environment(), home: home.path, transport: FakeTransport())
            }
            #expect(noRegion as? AWSError == .noRegion)
        }
    }

    @Test func theFactorysClientUsesTheChain() async throws {
        try await TemporaryHome.with(credentials: "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n") { home in
            let transport = FakeTransport { _ in HTTPResponse(status: 200, body: Data("<R><Account>1</Account><Arn>a</Arn></R>".utf8)) }
            let client = try await AWSClient.resolve(
                region: "eu-west-3", profile: "dev", endpointURL: nil, environment: home.environment(), home: home.path, transport: transport)
            _ = try await STSAPI(client: client).callerIdentity()
            #expect(transport.requests.first?.host == "sts.eu-west-3.amazonaws.com")
            #expect(transport.requests.first?.header("authorization")?.contains("Credential=AKIDDEV/") == true)
        }
    }
}
