import Foundation
import LambdaTestSupport
import Testing

@testable import AWSClient

/// AssumeRole and AssumeRoleWithWebIdentity against moto's STS. moto answers with temporary
/// credentials of a fixed shape (`ASIA` + 16 characters) that it remembers: asking moto who
/// they are (GetCallerIdentity with them) proves the call reached it and carried the role and
/// session name.
@Suite(.serialized) struct CredentialChainSTSTests {
    static let account = "123456789012"

    static func endpoints(_ moto: MotoServer) -> AWSEndpoints {
        AWSEndpoints(region: MotoServer.region, override: URL(string: moto.endpoint)!)
    }

    /// Who moto says `credentials` are.
    static func identity(_ credentials: AWSCredentials, moto: MotoServer) async throws -> String {
        let client = AWSClient(
            region: MotoServer.region, endpoints: endpoints(moto), credentials: StaticCredentials(credentials), retry: .none)
        return try await STSAPI(client: client).callerIdentity().arn
    }

    static func expectTemporary(_ credentials: AWSCredentials, from start: Date, seconds: Double) {
        #expect(credentials.accessKeyID.hasPrefix("ASIA") && credentials.accessKeyID.count == 20, "\(credentials.accessKeyID)")
        #expect(!credentials.secretAccessKey.isEmpty)
        #expect(credentials.sessionToken?.isEmpty == false)
        if let expiration = credentials.expiration {
            #expect(abs(expiration.timeIntervalSince(start) - seconds) < 120, "\(expiration)")
        } else {
            Issue.record("no expiration")
        }
    }

    @Test func profileRoleThroughAChainOfSourceProfiles() async throws {
        let config = """
            [profile deploy]
            role_arn = arn:aws:iam::\(Self.account):role/deployer
            source_profile = middle
            role_session_name = swift-lambda-test
            duration_seconds = 900
            [profile middle]
            role_arn = arn:aws:iam::\(Self.account):role/middle
            source_profile = base
            """
        let credentials = "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
        try await MotoServer.exclusive { moto in
            try await TemporaryHome.with(credentials: credentials, config: config) { home in
                let start = Date()
                let trace = TraceLog()
                let found = try await home.chain(
                    profile: "deploy", transport: URLSessionTransport(), endpoints: Self.endpoints(moto), trace: trace.sink
                ).credentials()
                Self.expectTemporary(found, from: start, seconds: 900)
                #expect(found.source == "profile deploy (role arn:aws:iam::\(Self.account):role/deployer)")
                #expect(try await Self.identity(found, moto: moto) == "arn:aws:sts::\(Self.account):assumed-role/deployer/swift-lambda-test")
                #expect(!trace.text.contains("base-secret") && !trace.text.contains(found.secretAccessKey))
            }
        }
    }

    @Test func webIdentityFromTheEnvironment() async throws {
        try await MotoServer.exclusive { moto in
            try await TemporaryHome.with { home in
                try home.write("oidc-token", "eyJhbGciOiJSUzI1NiJ9.e30.signature\n")
                let start = Date()
                let found = try await home.chain(
                    [
                        "AWS_WEB_IDENTITY_TOKEN_FILE": "\(home.path)/oidc-token", "AWS_ROLE_ARN": "arn:aws:iam::\(Self.account):role/github",
                        "AWS_ROLE_SESSION_NAME": "gha-run",
                    ], transport: URLSessionTransport(), endpoints: Self.endpoints(moto)
                ).credentials()
                Self.expectTemporary(found, from: start, seconds: 3600)
                #expect(found.source == "web identity (role arn:aws:iam::\(Self.account):role/github)")
                #expect(try await Self.identity(found, moto: moto) == "arn:aws:sts::\(Self.account):assumed-role/github/gha-run")
            }
        }
    }

    @Test func webIdentityInAProfile() async throws {
        try await MotoServer.exclusive { moto in
            try await TemporaryHome.with { home in
                try home.write("token", "token-in-profile")
                try home.write(
                    ".aws/config",
                    "[profile oidc]\nrole_arn = arn:aws:iam::\(Self.account):role/oidc\nweb_identity_token_file = ~/token\nrole_session_name = p\n")
                let found = try await home.chain(profile: "oidc", transport: URLSessionTransport(), endpoints: Self.endpoints(moto))
                    .credentials()
                #expect(found.source == "profile oidc (role arn:aws:iam::\(Self.account):role/oidc)")
                #expect(try await Self.identity(found, moto: moto) == "arn:aws:sts::\(Self.account):assumed-role/oidc/p")
            }
        }
    }

    @Test func webIdentityWithoutARoleOrTokenIsAnError() async throws {
        try await TemporaryHome.with { home in
            let noRole = await thrownError { try await home.chain(["AWS_WEB_IDENTITY_TOKEN_FILE": "/x"]).credentials() }
            #expect("\(noRole!)" == "could not get credentials from web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume")
            let noToken = await thrownError {
                try await home.chain(["AWS_WEB_IDENTITY_TOKEN_FILE": "~/missing", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]).credentials()
            }
            #expect("\(noToken!)" == "could not get credentials from web identity: the web identity token file \(home.path)/missing does not exist")
        }
    }

    @Test func theFactorysClientSignsWithAnAssumedRoleOnMoto() async throws {
        let config = """
            [profile deploy]
            role_arn = arn:aws:iam::\(Self.account):role/factory
            source_profile = base
            role_session_name = factory
            region = us-east-1
            endpoint_url = http://127.0.0.1:9
            """
        try await MotoServer.exclusive { moto in
            try await TemporaryHome.with(credentials: "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n", config: config) {
                home in
                // AWS_ENDPOINT_URL (moto) ranks above the profile's endpoint_url (nothing listens there).
                let client = try await AWSClient.resolve(
                    region: nil, profile: "deploy", endpointURL: nil, environment: home.environment(["AWS_ENDPOINT_URL": moto.endpoint]),
                    home: home.path)
                #expect(try await STSAPI(client: client).callerIdentity().arn == "arn:aws:sts::\(Self.account):assumed-role/factory/factory")
            }
        }
    }
}
