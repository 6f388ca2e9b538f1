import Foundation
import Testing

@testable import OCIRegistry

/// The Docker config file found as Docker finds it (home and environment injected) and a
/// registry's login found under the keys `docker login` writes.
@Suite struct DockerConfigTests {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func config(_ json: String, environment: [String: String] = [:], home: String = "/home/u") throws
        -> DockerConfig
    {
        let expected = DockerConfig.path(environment: environment, home: home)
        return try DockerConfig.load(environment: environment, home: home) { path in
            path == expected ? Data(json.utf8) : nil
        }
    }

    @Test func pathIsDockerConfigElseHome() {
        #expect(DockerConfig.path(environment: [:], home: "/home/u") == "/home/u/.docker/config.json")
        #expect(
            DockerConfig.path(environment: ["DOCKER_CONFIG": "/etc/ci/docker/"], home: "/home/u")
                == "/etc/ci/docker/config.json")
        #expect(
            DockerConfig.path(environment: ["DOCKER_CONFIG": ""], home: "/home/u/") == "/home/u/.docker/config.json")
    }

    @Test func loadReadsTheFileAtDockerConfig() throws {
        let json = #"{"auths":{"127.0.0.1:5000":{"auth":"\#(Self.base64("ci:secret"))"}}}"#
        let config = try Self.config(json, environment: ["DOCKER_CONFIG": "/ci"])
        #expect(config.path == "/ci/config.json")
        #expect(
            try config.credentials(for: "127.0.0.1:5000")
                == RegistryCredentials(
                    username: "ci", password: "secret", source: "/ci/config.json (auths \"127.0.0.1:5000\")"))
    }

    @Test func aMissingFileIsAnEmptyConfig() throws {
        let config = try DockerConfig.load(environment: [:], home: "/nowhere") { _ in nil }
        #expect(!config.exists)
        #expect(try config.credentials(for: "ghcr.io") == nil)
    }

    @Test func hostKeysHTTPSKeysAndDockerHub() throws {
        let json = """
            {"auths": {
              "https://ghcr.io": {"auth": "\(Self.base64("gh:token:with:colons"))"},
              "https://registry.example.com:5000/v2/": {"username": "u", "password": "p"},
              "https://index.docker.io/v1/": {"auth": "\(Self.base64("hub:pw"))"},
              "localhost:5000": {"auth": "\(Self.base64("a:b"))"}
            }}
            """
        let config = try Self.config(json)
        #expect(try config.credentials(for: "ghcr.io")?.password == "token:with:colons")
        #expect(
            try config.credentials(for: "ghcr.io")?.source == "/home/u/.docker/config.json (auths \"https://ghcr.io\")")
        #expect(try config.credentials(for: "registry.example.com:5000")?.username == "u")
        #expect(try config.credentials(for: "registry.example.com") == nil, "another port is another registry")
        #expect(try config.credentials(for: "docker.io")?.username == "hub")
        #expect(try config.credentials(for: "registry-1.docker.io")?.username == "hub")
        #expect(try config.credentials(for: "localhost:5000")?.username == "a")
        #expect(try config.credentials(for: "127.0.0.1:5000") == nil)
    }

    @Test func theExactKeyWinsOverTheHTTPSOne() throws {
        let json =
            #"{"auths":{"https://r.io":{"auth":"\#(Self.base64("https:x"))"},"r.io":{"auth":"\#(Self.base64("exact:x"))"}}}"#
        #expect(try Self.config(json).credentials(for: "r.io")?.username == "exact")
    }

    @Test func aMalformedFileNamesItself() {
        #expect(throws: RegistryError.self) { try Self.config("{not json") }
        do {
            _ = try Self.config(#"{"auths":{"r.io":{"auth":42}}}"#)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".hasPrefix("cannot read the Docker config /home/u/.docker/config.json: auths.r.io.auth:"))
        }
        do {
            _ = try Self.config(#"{"auths":{"r.io":{"auth":"%%%"}}}"#).credentials(for: "r.io")
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("auths \"r.io\".auth is not base64 of user:password"))
        }
    }

    @Test func adviceNamesTheFileAndKeyOrTheHelper() throws {
        let plain = RegistryLogin(dockerConfig: try Self.config("{}"))
        #expect(
            plain.advice(for: "127.0.0.1:5000")
                == #"add "auths": {"127.0.0.1:5000": {"auth": "<base64 of user:password>"}} to /home/u/.docker/config.json (docker login 127.0.0.1:5000 does), or set DOCKER_CONFIG to the directory of one that has it"#
        )
        #expect(plain.advice(for: "docker.io").contains(#""https://index.docker.io/v1/""#))
        let helper = RegistryLogin(dockerConfig: try Self.config(#"{"auths":{"ghcr.io":{}},"credsStore":"desktop"}"#))
        #expect(try helper.dockerConfig.credentials(for: "ghcr.io") == nil)
        #expect(
            helper.advice(for: "ghcr.io").contains(
                "credential helper docker-credential-desktop, which swift-lambda does not run"))
        let perHost = RegistryLogin(dockerConfig: try Self.config(#"{"credHelpers":{"ghcr.io":"gh"}}"#))
        #expect(perHost.advice(for: "ghcr.io").contains("docker-credential-gh"))
        #expect(!perHost.advice(for: "quay.io").contains("credential helper"))
    }
}
