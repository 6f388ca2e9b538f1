import AWSClient
import Foundation
import LambdaSupport
import Testing

@testable import OCIRegistry

/// The push sequence against a scripted registry: what is sent, in what order, and which
/// answers skip, redirect or fail it.
@Suite struct RegistryPushTests {
    static let image = SampleImage.image()
    static var config: PushableImage.Blob { SampleImage.config }
    static var layerA: PushableImage.Blob { SampleImage.layerA }
    static var layerB: PushableImage.Blob { SampleImage.layerB }

    @Test func anEmptyRegistryGetsEveryBlobThenTheManifest() async throws {
        let registry = ScriptedRegistry.anonymous()
        let report = try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference())
        let blobs = [Self.config, Self.layerA, Self.layerB]
        var expected: [String] = []
        for (index, blob) in blobs.enumerated() {
            expected += [
                "HEAD /v2/ns/fn/blobs/\(blob.digest)", "POST /v2/ns/fn/blobs/uploads/",
                "PUT /v2/ns/fn/blobs/uploads/u\(index + 1)",
            ]
        }
        expected.append("PUT /v2/ns/fn/manifests/v1")
        #expect(registry.lines == expected)
        let put = registry.sent[2]
        #expect(
            put.url.absoluteString
                == "http://127.0.0.1:5000/v2/ns/fn/blobs/uploads/u1?_state=s%2Bt&digest=\(Self.config.digest.replacingOccurrences(of: ":", with: "%3A"))"
        )
        #expect(put.header("Content-Type") == "application/octet-stream")
        #expect(put.body == Data(#"{"architecture":"amd64","os":"linux"}"#.utf8))
        let manifest = try #require(registry.sent.last)
        #expect(manifest.header("Content-Type") == "application/vnd.oci.image.manifest.v1+json")
        #expect(manifest.body == Self.image.manifest.bytes)
        #expect(report.manifestDigest == Digest.sha256(Self.image.manifest.bytes))
        #expect(report.uploaded == blobs.map(\.digest))
        #expect(report.alreadyPresent.isEmpty)
        #expect(report.bytesSent == blobs.map(\.size).reduce(0, +) + Int64(Self.image.manifest.bytes.count))
        #expect(report.pinnedReference == "127.0.0.1:5000/ns/fn@\(report.manifestDigest)")
        #expect(registry.sent.allSatisfy { $0.header("Authorization") == nil }, "anonymous until asked")
    }

    @Test func blobsTheRegistryHasAreSkipped() async throws {
        let registry = ScriptedRegistry.anonymous(present: [Self.config.digest, Self.layerB.digest])
        let report = try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference())
        #expect(report.uploaded == [Self.layerA.digest])
        #expect(report.alreadyPresent == [Self.config.digest, Self.layerB.digest])
        #expect(registry.lines.filter { $0.hasPrefix("POST") }.count == 1)
    }

    @Test func aBlobNamedTwiceIsSentOnce() async throws {
        let registry = ScriptedRegistry.anonymous()
        let report = try await RegistryClient(transport: registry).push(
            SampleImage.image(layers: [Self.layerA, Self.layerA]), to: SampleImage.reference())
        #expect(report.uploaded == [Self.config.digest, Self.layerA.digest])
    }

    @Test func anAbsoluteLocationWithoutAQueryGetsTheDigestAfterAQuestionMark() async throws {
        let registry = ScriptedRegistry.anonymous(location: { "http://127.0.0.1:5000/v2/ns/fn/blobs/uploads/\($0)" })
        _ = try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference())
        let put = registry.sent[2]
        #expect(
            put.url.absoluteString
                == "http://127.0.0.1:5000/v2/ns/fn/blobs/uploads/u1?digest=sha256%3A\(Self.config.digest.dropFirst(7))")
    }

    /// An upload handed to another host carries its permission in its URL: no login goes there.
    @Test func aLocationOnAnotherHostGetsNoLogin() async throws {
        let login = RegistryLogin(
            dockerConfig: DockerConfig(
                path: "/c.json", auths: ["registry.example.com": .init(username: "u", password: "p")]))
        let registry = ScriptedRegistry { request in
            if request.host == "registry.example.com", request.header("Authorization") == nil {
                return HTTPResponse(status: 401, headers: ["WWW-Authenticate": #"Basic realm="r""#])
            }
            switch request.method {
            case "HEAD": return HTTPResponse(status: 404)
            case "POST":
                return HTTPResponse(
                    status: 202, headers: ["Location": "https://storage.example.net/put/\(UUID())?sig=x%2Fy"])
            default: return HTTPResponse(status: 201)
            }
        }
        _ = try await RegistryClient(transport: registry, login: login).push(
            Self.image, to: SampleImage.reference("registry.example.com"))
        let uploads = registry.sent.filter { $0.host == "storage.example.net" }
        #expect(uploads.count == 3)
        #expect(uploads.allSatisfy { $0.header("Authorization") == nil && $0.scheme == "https" })
        #expect(
            uploads.allSatisfy { $0.query.first! == (name: "sig", value: "x/y") && $0.query.last!.name == "digest" })
        #expect(registry.sent.filter { $0.host == "registry.example.com" }.allSatisfy { $0.scheme == "https" })
    }

    @Test func aPlainHTTPLocationFromAnHTTPSRegistryIsRefused() async throws {
        let registry = ScriptedRegistry { request in
            request.method == "POST"
                ? HTTPResponse(status: 202, headers: ["Location": "http://storage.example.net/put"])
                : HTTPResponse(status: 404)
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference("ghcr.io"))
        }
        #expect(error as? RegistryError == .plainHTTPRefused(host: "storage.example.net"))
    }

    @Test func anUnreadableLocationIsAnError() async throws {
        let registry = ScriptedRegistry { request in
            request.method == "POST" ? HTTPResponse(status: 202) : HTTPResponse(status: 404)
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference())
        }
        #expect("\(error!)".contains("answered a Location that is not a URL ('')"))
    }

    @Test func aManifestStoredUnderAnotherDigestIsAnError() async throws {
        let registry = ScriptedRegistry { request in
            switch request.method {
            case "HEAD": HTTPResponse(status: 200)
            default:
                HTTPResponse(
                    status: 201, headers: ["Docker-Content-Digest": "sha256:" + String(repeating: "0", count: 64)])
            }
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference())
        }
        guard case .digestMismatch(let reference, let sent, _) = error as? RegistryError else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(reference == "127.0.0.1:5000/ns/fn:v1")
        #expect(sent == Self.image.manifest.digest)
    }

    @Test func errorAnswersCarryTheRegistrysMessage() async throws {
        let registry = ScriptedRegistry { request in
            request.method == "HEAD"
                ? HTTPResponse(status: 404)
                : HTTPResponse(status: 500, body: registryErrorBody("UNKNOWN", "filesystem: disk full"))
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry, retry: .fast).push(Self.image, to: SampleImage.reference())
        }
        #expect(registry.lines.filter { $0.hasPrefix("POST") }.count == 3, "retried, boundedly")
        #expect(
            "\(error!)"
                == "starting the upload of \(Self.config.digest) on 127.0.0.1:5000 failed with 500 (UNKNOWN: filesystem: disk full); the registry failed: retry, or check its logs"
        )
    }

    @Test func transientAnswersAreSentAgain() async throws {
        let failures = Locked(["HEAD": 1, "PUT-manifest": 2])
        let answers = ScriptedRegistry.answers()
        let registry = ScriptedRegistry { request in
            let kind = request.path.contains("/manifests/") ? "PUT-manifest" : request.method
            let fail = failures.withLock { left in
                guard let count = left[kind], count > 0 else { return false }
                left[kind] = count - 1
                return true
            }
            if fail { return HTTPResponse(status: kind == "HEAD" ? 503 : 502) }
            return try answers(request)
        }
        let report = try await RegistryClient(transport: registry, retry: .fast).push(
            Self.image, to: SampleImage.reference())
        #expect(report.uploaded.count == 3)
        #expect(registry.lines.filter { $0.contains("/manifests/") }.count == 3)
    }

    /// An upload's PUT is not sent to the same session again: a new upload is started.
    @Test func aFailedUploadStartsANewOne() async throws {
        let failures = Locked(2)
        let answers = ScriptedRegistry.answers()
        let registry = ScriptedRegistry { request in
            if request.method == "PUT", !request.path.contains("/manifests/") {
                let left = failures.withLock { left in
                    left -= 1
                    return left
                }
                if left == 1 { return HTTPResponse(status: 500) }
                if left == 0 { throw TransportError(kind: .connectionFailed, host: request.host, message: "reset") }
            }
            return try answers(request)
        }
        let report = try await RegistryClient(transport: registry, retry: .fast).push(
            Self.image, to: SampleImage.reference())
        #expect(report.uploaded.count == 3)
        let config = registry.lines.prefix(7)
        #expect(
            Array(config) == [
                "HEAD /v2/ns/fn/blobs/\(Self.config.digest)", "POST /v2/ns/fn/blobs/uploads/",
                "PUT /v2/ns/fn/blobs/uploads/u1",
                "POST /v2/ns/fn/blobs/uploads/", "PUT /v2/ns/fn/blobs/uploads/u2", "POST /v2/ns/fn/blobs/uploads/",
                "PUT /v2/ns/fn/blobs/uploads/u3",
            ])
    }

    @Test func deniedNamesTheLogin() async throws {
        let registry = ScriptedRegistry { _ in
            HTTPResponse(status: 403, body: registryErrorBody("DENIED", "requested access to the resource is denied"))
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference())
        }
        #expect(
            "\(error!)"
                == "pushing 127.0.0.1:5000/ns/fn:v1 was denied (requested access to the resource is denied); an anonymous push may not push there: use a login with push access to the repository"
        )
    }

    @Test func anUnreachableRegistrySaysWhatToCheck() async throws {
        let registry = ScriptedRegistry { request in
            throw TransportError(
                kind: .connectionFailed, host: request.host, message: "Failed to connect to 127.0.0.1 port 5000")
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry, retry: .fast).push(Self.image, to: SampleImage.reference())
        }
        #expect(registry.sent.count == 3)
        #expect("\(error!)".hasPrefix("cannot connect to the registry 127.0.0.1:5000: Failed to connect"))
        #expect("\(error!)".contains("--insecure-registry"))
    }

    @Test func aMissingNonECRRepositoryIsSaidSo() async throws {
        let registry = ScriptedRegistry { request in
            request.method == "HEAD"
                ? HTTPResponse(status: 404)
                : HTTPResponse(
                    status: 404, body: registryErrorBody("NAME_UNKNOWN", "repository name not known to registry"))
        }
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(Self.image, to: SampleImage.reference())
        }
        #expect(
            error as? RegistryError
                == .repositoryMissing(
                    reference: "127.0.0.1:5000/ns/fn", message: "repository name not known to registry"))
    }

    @Test func aMissingECRRepositoryWithoutAWSSaysTheCommand() async throws {
        let registry = ScriptedRegistry { request in
            if request.header("Authorization") == nil {
                return HTTPResponse(status: 401, headers: ["WWW-Authenticate": #"Basic realm="ecr""#])
            }
            return request.method == "HEAD"
                ? HTTPResponse(status: 404)
                : HTTPResponse(status: 404, body: registryErrorBody("NAME_UNKNOWN", "no repo"))
        }
        let host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        let login = RegistryLogin(
            dockerConfig: DockerConfig(path: "/c.json", auths: [host: .init(username: "AWS", password: "p")]))
        let error = await thrownError {
            try await RegistryClient(transport: registry, login: login).push(
                Self.image, to: SampleImage.reference(host))
        }
        #expect("\(error!)".contains("run aws ecr create-repository --repository-name ns/fn --region eu-west-1"))
    }

    @Test func aBadDigestIsRefusedBeforeAnythingIsSent() async throws {
        let registry = ScriptedRegistry.anonymous()
        var image = Self.image
        image.blobs[1].digest = "sha256:ABC"
        let error = await thrownError {
            try await RegistryClient(transport: registry).push(image, to: SampleImage.reference())
        }
        #expect("\(error!)" == "cannot push the image: 'sha256:ABC' is not a sha256:<64 hex digits> digest; rebuild it")
        #expect(registry.sent.isEmpty)
    }

    @Test func aBlobFileIsMappedAndItsSizeChecked() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oci-blob-\(UUID())").path
        try Data("file layer".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let good = PushableImage.Blob(digest: Digest.sha256(Data("file layer".utf8)), size: 10, source: .file(path))
        let registry = ScriptedRegistry.anonymous()
        _ = try await RegistryClient(transport: registry).push(
            SampleImage.image(layers: [good]), to: SampleImage.reference())
        #expect(registry.sent.contains { $0.body == Data("file layer".utf8) })
        let wrong = PushableImage.Blob(digest: good.digest, size: 11, source: .file(path))
        let error = await thrownError {
            try await RegistryClient(transport: ScriptedRegistry.anonymous()).push(
                SampleImage.image(layers: [wrong]), to: SampleImage.reference())
        }
        #expect("\(error!)".contains("is 10 bytes, not the 11 the manifest says"))
        let missing = PushableImage.Blob(digest: good.digest, size: 10, source: .file(path + ".gone"))
        let gone = await thrownError {
            try await RegistryClient(transport: ScriptedRegistry.anonymous()).push(
                SampleImage.image(layers: [missing]), to: SampleImage.reference())
        }
        #expect("\(gone!)".contains("cannot be read from \(path).gone"))
    }

    @Test func anIndexPushesItsChildrenByDigestFirst() async throws {
        let child = Self.image.manifest
        let index = PushableImage.Manifest(
            bytes: Data(#"{"schemaVersion":2,"manifests":[{"digest":"\#(child.digest)"}]}"#.utf8),
            mediaType: "application/vnd.oci.image.index.v1+json")
        let registry = ScriptedRegistry.anonymous(present: Set(Self.image.blobs.map(\.digest)))
        let report = try await RegistryClient(transport: registry).push(
            PushableImage(manifest: index, blobs: Self.image.blobs, children: [child]), to: SampleImage.reference())
        #expect(registry.lines.suffix(2) == ["PUT /v2/ns/fn/manifests/\(child.digest)", "PUT /v2/ns/fn/manifests/v1"])
        #expect(report.manifestDigest == index.digest)
        #expect(report.uploaded.isEmpty)
    }
}
