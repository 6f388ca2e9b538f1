import AWSClient
import Foundation
import LambdaSupport
import LambdaTestSupport
import Testing

@testable import OCIRegistry

/// Pushes to a real Debian docker-registry on 127.0.0.1 through CurlTransport, read back with
/// skopeo: what the registry stored is what was pushed, byte for byte.
@Suite(.serialized) struct RegistryServerTests {
    static func temporary(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "swift-lambda-\(name)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A Docker config directory holding `auths` for `registry`.
    static func dockerConfig(registry: String, user: String, password: String) throws -> (RegistryLogin, String) {
        let directory = try temporary("docker-config")
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        try #"{"auths":{"\#(registry)":{"auth":"\#(auth)"}}}"#.write(
            toFile: "\(directory)/config.json", atomically: true, encoding: .utf8)
        let config = try DockerConfig.load(environment: ["DOCKER_CONFIG": directory], home: "/nonexistent")
        return (RegistryLogin(dockerConfig: config), directory)
    }

    @Test func aPushReadsBackWithSkopeoAndASecondPushSendsNoBlob() async throws {
        let image = try TestImage.make(seed: "first")
        defer { image.remove() }
        let home = try Self.temporary("skopeo-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await RegistryServer.with { server in
            let reference = try PushDestination.parse("\(server.address)/ns").reference(function: "Orders", tag: "v1")
            #expect(reference.description == "\(server.address)/ns/orders:v1")
            let client = RegistryClient(transport: CurlTransport(defaultTimeout: 60))
            let report = try await client.push(image.image, to: reference)
            #expect(report.manifestDigest == image.digest)
            #expect(report.uploaded == [image.config.digest, image.layer.digest])
            #expect(report.alreadyPresent.isEmpty)
            #expect(report.bytesSent == image.config.size + image.layer.size + Int64(image.image.manifest.bytes.count))

            let inspected = try Skopeo.inspect(reference.description, home: home)
            #expect(inspected["Digest"] as? String == image.digest)
            #expect(inspected["Layers"] as? [String] == [image.layer.digest])
            #expect((inspected["Env"] as? [String])?.contains("SEED=first") == true)

            let layout = try Self.temporary("oci-layout")
            defer { try? FileManager.default.removeItem(atPath: layout) }
            try Skopeo.copy(reference.description, toLayout: layout, tag: "v1", home: home)
            for blob in image.image.blobs {
                let copied = FileManager.default.contents(atPath: "\(layout)/blobs/sha256/\(blob.digest.dropFirst(7))")
                #expect(copied != nil && copied == image.bytes(blob), "\(blob.digest)")
            }

            let again = try await client.push(image.image, to: reference)
            #expect(again.uploaded.isEmpty)
            #expect(again.alreadyPresent == [image.config.digest, image.layer.digest])
            #expect(again.bytesSent == Int64(image.image.manifest.bytes.count))
            #expect(again.manifestDigest == image.digest)
        }
    }

    /// A layer of tens of megabytes goes in one PUT from its mapped file, and arrives whole.
    @Test func aLargeLayerIsSentInOnePieceAndArrivesWhole() async throws {
        let image = try TestImage.make(seed: "large", payload: 24 * 1024 * 1024)
        defer { image.remove() }
        let home = try Self.temporary("skopeo-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await RegistryServer.with { server in
            let reference = try ImageReference(registry: server.address, repository: "big/fn", tag: "v1")
            let report = try await RegistryClient().push(image.image, to: reference)
            #expect(image.layer.size > 24 * 1024 * 1024)
            #expect(report.bytesSent > image.layer.size)
            let layout = try Self.temporary("oci-layout")
            defer { try? FileManager.default.removeItem(atPath: layout) }
            try Skopeo.copy(reference.description, toLayout: layout, tag: "v1", home: home)
            let copied = FileManager.default.contents(
                atPath: "\(layout)/blobs/sha256/\(image.layer.digest.dropFirst(7))")
            #expect(copied == image.bytes(image.layer))
        }
    }

    /// Registries may answer a relative Location (`http.relativeurls`); docker-registry's
    /// default is absolute, the first test's case.
    @Test func relativeLocationsAreFollowed() async throws {
        let image = try TestImage.make(seed: "relative")
        defer { image.remove() }
        let home = try Self.temporary("skopeo-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await RegistryServer.with(.init(relativeURLs: true)) { server in
            let locations = Locked([String]())
            let transport = Recording(CurlTransport(defaultTimeout: 60)) { response in
                if response.status == 202, let location = response.headers["location"] {
                    locations.withLock { $0.append(location) }
                }
            }
            let reference = try ImageReference(registry: server.address, repository: "rel/fn", tag: "latest")
            let report = try await RegistryClient(transport: transport).push(image.image, to: reference)
            #expect(report.uploaded.count == 2)
            #expect(locations.withLock { $0 }.count == 2, "one upload per blob")
            #expect(
                locations.withLock { $0 }.allSatisfy {
                    $0.hasPrefix("/v2/rel/fn/blobs/uploads/") && $0.contains("_state=")
                })
            #expect(try Skopeo.inspect(reference.description, home: home)["Digest"] as? String == image.digest)
        }
    }

    @Test func htpasswdBasicAuthNeedsTheDockerConfigsLogin() async throws {
        let image = try TestImage.make(seed: "basic")
        defer { image.remove() }
        try await RegistryServer.with(.init(basicLogin: (user: "ci", password: "s3cret"))) { server in
            let reference = try ImageReference(registry: server.address, repository: "private/fn", tag: "v2")
            let emptyHome = try Self.temporary("home")
            defer { try? FileManager.default.removeItem(atPath: emptyHome) }
            let none = RegistryLogin(dockerConfig: try DockerConfig.load(environment: [:], home: emptyHome))
            let refused = await thrownError { try await RegistryClient(login: none).push(image.image, to: reference) }
            #expect(
                "\(refused!)"
                    == #"\#(server.address) asks for a login (Basic realm "swift-lambda-test") and none was found: add "auths": {"\#(server.address)": {"auth": "<base64 of user:password>"}} to \#(emptyHome)/.docker/config.json (docker login \#(server.address) does), or set DOCKER_CONFIG to the directory of one that has it"#
            )

            let (wrong, wrongDirectory) = try Self.dockerConfig(registry: server.address, user: "ci", password: "nope")
            defer { try? FileManager.default.removeItem(atPath: wrongDirectory) }
            let wrongError = await thrownError {
                try await RegistryClient(login: wrong).push(image.image, to: reference)
            }
            #expect(
                "\(wrongError!)".hasPrefix(
                    "\(server.address) refused the login from \(wrongDirectory)/config.json (auths \"\(server.address)\")"
                ))

            let (login, directory) = try Self.dockerConfig(
                registry: "https://\(server.address)", user: "ci", password: "s3cret")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let report = try await RegistryClient(login: login).push(image.image, to: reference)
            #expect(report.manifestDigest == image.digest)
            #expect(report.uploaded.count == 2)
        }
    }

    @Test func bearerTokensFromTheFrontsRealm() async throws {
        let image = try TestImage.make(seed: "bearer")
        defer { image.remove() }
        let home = try Self.temporary("skopeo-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await RegistryServer.with(.init(bearer: true, bearerLogin: (user: "robot", password: "t0ken"))) { server in
            let reference = try ImageReference(registry: server.address, repository: "team/fn", tag: "v3")
            let anonymous = await thrownError { try await RegistryClient().push(image.image, to: reference) }
            #expect(
                "\(anonymous!)".hasPrefix(
                    "\(server.address) asks for a login (Bearer realm \"http://127.0.0.1:\(server.port)/token\") and none was found"
                ))

            let (login, directory) = try Self.dockerConfig(registry: server.address, user: "robot", password: "t0ken")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let before = try await server.frontStats()["tokens"] as? Int ?? -1
            let report = try await RegistryClient(login: login).push(image.image, to: reference)
            #expect(report.manifestDigest == image.digest)
            let stats = try await server.frontStats()
            #expect((stats["tokens"] as? Int ?? -1) - before == 1, "one token for the whole push: \(stats)")
            #expect((stats["scopes"] as? [String])?.last == "repository:team/fn:pull,push")
            // Read back past the front, from the registry itself.
            let inspected = try Skopeo.inspect("127.0.0.1:\(server.registryPort)/team/fn:v3", home: home)
            #expect(inspected["Digest"] as? String == image.digest)
        }
    }

    @Test func nothingListeningIsOneLineSayingSo() async throws {
        let port = try await RegistryServer.with { $0.port }  // stopped: nothing listens there now
        let reference = try ImageReference(registry: "127.0.0.1:\(port)", repository: "ns/fn")
        let error = await thrownError {
            try await RegistryClient(transport: CurlTransport(defaultTimeout: 10), retry: .fast).push(
                SampleImage.image(), to: reference)
        }
        let message = "\(error!)"
        #expect(message.hasPrefix("cannot connect to the registry 127.0.0.1:\(port):"), "\(message)")
        #expect(message.contains("check that it runs") && !message.contains("\n"))
    }

    @Test(arguments: [403, 500])
    func aRefusingRegistryIsOneLine(status: Int) async throws {
        try await RegistryServer.withRefusing(status: status) { server in
            let reference = try ImageReference(registry: server.address, repository: "ns/fn")
            let error = await thrownError {
                try await RegistryClient(retry: .fast).push(SampleImage.image(), to: reference)
            }
            let message = "\(error!)"
            #expect(!message.contains("\n"))
            // The first request is a HEAD: its answer has no body, so no registry message.
            if status == 403 {
                #expect(
                    message
                        == "pushing \(server.address)/ns/fn:latest was denied; an anonymous push may not push there: use a login with push access to the repository"
                )
            } else {
                #expect(
                    message.hasPrefix("HEAD blob \(SampleImage.config.digest) on \(server.address) failed with 500"))
                #expect(message.hasSuffix("the registry failed: retry, or check its logs"))
            }
        }
    }
}

/// A transport that shows each answer to `observe` before passing it on.
struct Recording: HTTPTransport {
    let inner: any HTTPTransport
    let observe: @Sendable (HTTPResponse) -> Void

    init(_ inner: any HTTPTransport, observe: @escaping @Sendable (HTTPResponse) -> Void) {
        self.inner = inner
        self.observe = observe
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await inner.send(request)
        observe(response)
        return response
    }
}
