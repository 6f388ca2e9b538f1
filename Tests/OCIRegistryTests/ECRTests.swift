import AWSClient
import Foundation
import LambdaSupport
import LambdaTestSupport
import Testing

@testable import OCIRegistry

/// ECR: its API's requests, GetAuthorizationToken and CreateRepository against moto, and a push
/// to an ECR host (scripted, since the registry itself cannot run here) logging in with moto's
/// token and creating the repository ECR would not create.
@Suite(.serialized) struct ECRTests {
    static let account = "123456789012"
    static let host = "\(account).dkr.ecr.\(MotoServer.region).amazonaws.com"

    static func client(
        _ endpoint: String, region: String = MotoServer.region,
        transport: any HTTPTransport = CurlTransport(defaultTimeout: 30)
    ) -> AWSClient {
        AWSClient(
            region: region, endpoints: AWSEndpoints(region: region, override: URL(string: endpoint)!),
            credentials: StaticCredentials(
                AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing", source: "test")),
            transport: transport, retry: .none)
    }

    @Test func endpointsAreAPIECRPerRegionUnlessOverridden() {
        #expect(
            AWSEndpoints(region: "eu-west-1").url(for: .ecr).absoluteString == "https://api.ecr.eu-west-1.amazonaws.com"
        )
        #expect(
            AWSEndpoints(region: "cn-north-1").url(for: .ecr).absoluteString
                == "https://api.ecr.cn-north-1.amazonaws.com.cn")
        let environment = ["AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"]
        #expect(
            AWSEndpoints(region: "eu-west-1", environment: environment).url(for: .ecr).absoluteString
                == "http://127.0.0.1:4566")
    }

    @Test func requestsAreSignedJSON11WithTheTarget() async throws {
        let token = Data("AWS:pw".utf8).base64EncodedString()
        let transport = ScriptedRegistry { _ in
            HTTPResponse(
                status: 200,
                body: Data(#"{"authorizationData":[{"authorizationToken":"\#(token)","expiresAt":1.7e9}]}"#.utf8))
        }
        let client = AWSClient(
            region: "eu-west-1", endpoints: AWSEndpoints(region: "eu-west-1"),
            credentials: StaticCredentials(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s", source: "test")),
            transport: transport,
            retry: .none)
        let authorization = try await ECRAPI(client: client).authorization(registryID: Self.account)
        #expect(
            authorization
                == ECRAPI.Authorization(username: "AWS", password: "pw", expiresAt: Date(timeIntervalSince1970: 1.7e9)))
        let request = try #require(transport.sent.first)
        #expect(request.host == "api.ecr.eu-west-1.amazonaws.com" && request.method == "POST" && request.path == "/")
        #expect(request.header("X-Amz-Target") == "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken")
        #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.header("Authorization")?.contains("/eu-west-1/ecr/aws4_request") == true)
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"registryIds":["123456789012"]}"#)
    }

    @Test func tokensThatAreNotUserColonPasswordAreRefused() {
        #expect(ECRAPI.Authorization.decode(token: Data("AWS:a:b".utf8).base64EncodedString())! == ("AWS", "a:b"))
        #expect(ECRAPI.Authorization.decode(token: "not base64!") == nil)
        #expect(ECRAPI.Authorization.decode(token: Data("nocolon".utf8).base64EncodedString()) == nil)
    }

    @Test func getAuthorizationTokenFromMoto() async throws {
        try await MotoServer.exclusive { moto in
            let authorization = try await ECRAPI(client: Self.client(moto.endpoint)).authorization(
                registryID: Self.account)
            #expect(authorization.username == "AWS")
            #expect(authorization.password == "\(Self.account)-auth-token")
            #expect(authorization.proxyEndpoint == "https://\(Self.host)")
            let calls = Locked(0)
            let counting = Recording(CurlTransport(defaultTimeout: 30)) { _ in calls.withLock { $0 += 1 } }
            let login = RegistryLogin(
                dockerConfig: DockerConfig(path: "/none", exists: false),
                awsClient: { Self.client(moto.endpoint, region: $0, transport: counting) })
            let credentials = try await login.credentials(for: Self.host)
            #expect(
                credentials
                    == RegistryCredentials(
                        username: "AWS", password: "\(Self.account)-auth-token",
                        source: "ECR GetAuthorizationToken (account \(Self.account), region \(MotoServer.region))"))
            // A second push with the same login asks ECR no more.
            let copy = login
            #expect(try await copy.credentials(for: Self.host) == credentials)
            #expect(calls.withLock { $0 } == 1)
        }
    }

    @Test func createRepositoryOnMotoAndAgain() async throws {
        try await MotoServer.exclusive { moto in
            let api = ECRAPI(client: Self.client(moto.endpoint))
            let created = try await api.createRepository("team/orders", registryID: Self.account)
            #expect(created?.repositoryUri == "\(Self.host)/team/orders")
            #expect(
                try await api.createRepository("team/orders", registryID: Self.account) == nil, "already there is fine")
            let described = try await Boto3.call("ecr", "describe_repositories", [:], endpoint: moto.endpoint)
            #expect(described.value(at: "repositories", 0, "repositoryName") as? String == "team/orders")
        }
    }

    /// The whole flow: anonymous 401, moto's token as the Basic login, NAME_UNKNOWN, the
    /// repository created on moto, the push carried on.
    @Test func aPushToECRLogsInWithTheTokenAndCreatesTheRepository() async throws {
        try await MotoServer.exclusive { moto in
            let expected = "Basic " + Data("AWS:\(Self.account)-auth-token".utf8).base64EncodedString()
            let created = Locked(false)
            let answers = ScriptedRegistry.answers(location: {
                "https://\(Self.host)/v2/team/orders/blobs/uploads/\($0)"
            })
            let registry = ScriptedRegistry { request in
                guard request.header("Authorization") == expected else {
                    return HTTPResponse(
                        status: 401,
                        headers: [
                            "WWW-Authenticate": #"Basic realm="https://\#(Self.host)/",service="ecr.amazonaws.com""#
                        ])
                }
                if request.method == "POST", !created.withLock({ $0 }) {
                    created.withLock { $0 = true }
                    return HTTPResponse(
                        status: 404,
                        body: registryErrorBody(
                            "NAME_UNKNOWN",
                            "The repository with name 'team/orders' does not exist in the registry with id '\(Self.account)'"
                        ))
                }
                return try answers(request)
            }
            let login = RegistryLogin(
                dockerConfig: DockerConfig(path: "/none", exists: false),
                awsClient: { Self.client(moto.endpoint, region: $0) })
            let reference = try PushDestination.parse("\(Self.host)/team").reference(function: "Orders")
            let report = try await RegistryClient(transport: registry, login: login).push(
                SampleImage.image(), to: reference)
            #expect(report.createdRepository)
            #expect(report.uploaded.count == 3)
            #expect(registry.sent.allSatisfy { $0.scheme == "https" })
            let described = try await Boto3.call(
                "ecr", "describe_repositories", ["repositoryNames": ["team/orders"]], endpoint: moto.endpoint)
            #expect(described.value(at: "repositories", 0, "repositoryUri") as? String == "\(Self.host)/team/orders")
        }
    }
}
