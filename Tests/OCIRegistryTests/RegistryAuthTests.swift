import AWSClient
import Foundation
import LambdaSupport
import Testing

@testable import OCIRegistry

/// Logins against a scripted registry: anonymous first, then what the 401's challenge asks for.
@Suite struct RegistryAuthTests {
    static let basic = "Basic " + Data("ci:secret".utf8).base64EncodedString()
    static func login(_ auths: [String: DockerConfig.Entry]) -> RegistryLogin {
        RegistryLogin(dockerConfig: DockerConfig(path: "/home/u/.docker/config.json", auths: auths))
    }

    /// A registry that wants `authorization` on every request and otherwise challenges with `challenge`.
    static func guarded(
        by authorization: @escaping (String?) -> Bool, challenge: String, token: ((HTTPRequest) -> HTTPResponse)? = nil
    )
        -> ScriptedRegistry
    {
        let inner = ScriptedRegistry.answers()
        return ScriptedRegistry { request in
            if request.host == "auth.example.com", let token { return token(request) }
            guard authorization(request.header("Authorization")) else {
                return HTTPResponse(
                    status: 401, headers: ["WWW-Authenticate": challenge],
                    body: registryErrorBody("UNAUTHORIZED", "authentication required"))
            }
            return try inner(request)
        }
    }

    @Test func basicIsAskedForOnceThenSentWithEveryRequest() async throws {
        let registry = Self.guarded(by: { $0 == Self.basic }, challenge: #"Basic realm="Registry Realm""#)
        let login = Self.login(["127.0.0.1:5000": .init(auth: Data("ci:secret".utf8).base64EncodedString())])
        let report = try await RegistryClient(transport: registry, login: login).push(
            SampleImage.image(), to: SampleImage.reference())
        #expect(report.uploaded.count == 3)
        #expect(
            registry.sent.filter { $0.header("Authorization") == nil }.count == 1, "only the first request goes without"
        )
        #expect(registry.sent.dropFirst().allSatisfy { $0.header("Authorization") == Self.basic })
    }

    @Test func basicWithoutALoginSaysWhichFileAndKeyToAdd() async throws {
        let registry = Self.guarded(by: { $0 == Self.basic }, challenge: #"Basic realm="Registry Realm""#)
        let error = await thrownError {
            try await RegistryClient(transport: registry, login: Self.login([:])).push(
                SampleImage.image(), to: SampleImage.reference())
        }
        #expect(
            "\(error!)"
                == #"127.0.0.1:5000 asks for a login (Basic realm "Registry Realm") and none was found: add "auths": {"127.0.0.1:5000": {"auth": "<base64 of user:password>"}} to /home/u/.docker/config.json (docker login 127.0.0.1:5000 does), or set DOCKER_CONFIG to the directory of one that has it"#
        )
        #expect(registry.sent.count == 1)
    }

    @Test func aWrongPasswordIsRefusedNamingWhereItCameFrom() async throws {
        let registry = Self.guarded(by: { $0 == Self.basic }, challenge: #"Basic realm="r""#)
        let login = Self.login(["https://127.0.0.1:5000": .init(username: "ci", password: "wrong")])
        let error = await thrownError {
            try await RegistryClient(transport: registry, login: login).push(
                SampleImage.image(), to: SampleImage.reference())
        }
        #expect(
            "\(error!)"
                == #"127.0.0.1:5000 refused the login from /home/u/.docker/config.json (auths "https://127.0.0.1:5000") (authentication required); check the user name and password there (docker login 127.0.0.1:5000)"#
        )
        #expect(registry.sent.count == 2, "one retry, not a loop")
    }

    @Test func bearerFetchesOneTokenForThePushWithTheBasicLogin() async throws {
        let tokens = Locked(0)
        let challenge =
            #"Bearer realm="https://auth.example.com/token?client=x",service="registry.example.com",scope="repository:ns/fn:pull""#
        let registry = Self.guarded(by: { $0 == "Bearer t-1" }, challenge: challenge) { request in
            tokens.withLock { $0 += 1 }
            guard request.header("Authorization") == Self.basic else { return HTTPResponse(status: 401) }
            return HTTPResponse(status: 200, body: Data(#"{"access_token":"t-1","expires_in":300}"#.utf8))
        }
        let login = Self.login(["registry.example.com": .init(auth: Data("ci:secret".utf8).base64EncodedString())])
        let report = try await RegistryClient(transport: registry, login: login).push(
            SampleImage.image(), to: SampleImage.reference("registry.example.com"))
        #expect(report.uploaded.count == 3)
        #expect(tokens.withLock { $0 } == 1)
        let tokenRequest = try #require(registry.sent.first { $0.host == "auth.example.com" })
        #expect(tokenRequest.scheme == "https" && tokenRequest.path == "/token")
        #expect(
            tokenRequest.query.map { "\($0.name)=\($0.value)" } == [
                "client=x", "service=registry.example.com", "scope=repository:ns/fn:pull,push",
            ])
        #expect(
            registry.sent.filter { $0.host == "registry.example.com" }.dropFirst().allSatisfy {
                $0.header("Authorization") == "Bearer t-1"
            })
    }

    @Test func anExpiredTokenIsFetchedAgain() async throws {
        let issued = Locked(0)
        let current = Locked("")
        let uses = Locked([String: Int]())
        let registry = ScriptedRegistry { request in
            if request.host == "auth.example.com" {
                let token = issued.withLock {
                    $0 += 1
                    return "t-\($0)"
                }
                current.withLock { $0 = token }
                return HTTPResponse(status: 200, body: Data(#"{"token":"\#(token)"}"#.utf8))
            }
            // Every token lasts for two requests.
            let valid = current.withLock { $0 }
            let used = uses.withLock { counts in
                counts[valid, default: 0] += 1
                return counts[valid]!
            }
            guard request.header("Authorization") == "Bearer \(valid)", used <= 2 else {
                return HTTPResponse(
                    status: 401,
                    headers: ["WWW-Authenticate": #"Bearer realm="https://auth.example.com/token",service="s""#])
            }
            switch request.method {
            case "HEAD": return HTTPResponse(status: 200)
            default: return HTTPResponse(status: 201)
            }
        }
        let report = try await RegistryClient(transport: registry).push(
            SampleImage.image(), to: SampleImage.reference("registry.example.com"))
        #expect(report.alreadyPresent.count == 3)
        #expect(issued.withLock { $0 } >= 2)
    }

    @Test func anAnonymousTokenWithoutPushRightsAsksForALogin() async throws {
        let registry = Self.guarded(
            by: { _ in false },
            challenge: #"Bearer realm="https://auth.example.com/token",service="s",error="insufficient_scope""#
        ) { _ in
            HTTPResponse(status: 200, body: Data(#"{"token":"anonymous"}"#.utf8))
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry, login: Self.login([:])).push(
                SampleImage.image(), to: SampleImage.reference("ghcr.io"))
        }
        #expect(
            "\(error!)".hasPrefix(
                #"ghcr.io asks for a login (Bearer realm "https://auth.example.com/token") and none was found: add "auths": {"ghcr.io""#
            ))
    }

    @Test func aTokenServiceRefusingTheLoginIsSaidSo() async throws {
        let registry = Self.guarded(by: { _ in false }, challenge: #"Bearer realm="https://auth.example.com/token""#) {
            _ in
            HTTPResponse(status: 401, body: registryErrorBody("UNAUTHORIZED", "incorrect username or password"))
        }
        let login = Self.login(["ghcr.io": .init(username: "u", password: "p")])
        let error = await thrownError {
            try await RegistryClient(transport: registry, login: login).push(
                SampleImage.image(), to: SampleImage.reference("ghcr.io"))
        }
        #expect(
            "\(error!)"
                == "the token service https://auth.example.com/token refused the login (incorrect username or password); check the login for the registry in the Docker config (docker login)"
        )
    }

    @Test func aPlainHTTPRealmForARemoteRegistryIsRefused() async throws {
        let registry = Self.guarded(by: { _ in false }, challenge: #"Bearer realm="http://auth.example.com/token""#)
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(
                SampleImage.image(), to: SampleImage.reference("ghcr.io"))
        }
        #expect(error as? RegistryError == .plainHTTPRefused(host: "auth.example.com"))
    }

    @Test func anUnknownSchemeIsNamed() async throws {
        let registry = Self.guarded(by: { _ in false }, challenge: "Negotiate")
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(SampleImage.image(), to: SampleImage.reference())
        }
        #expect(
            "\(error!)"
                == "127.0.0.1:5000 asks for an authentication this tool does not speak (WWW-Authenticate: Negotiate); only Basic and Bearer are supported"
        )
    }
}
