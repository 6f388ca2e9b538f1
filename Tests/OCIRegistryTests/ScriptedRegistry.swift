import AWSClient
import Foundation

@testable import OCIRegistry

/// A registry answered by a closure, recording what was sent: the push sequence, the login
/// handshakes and the error mapping without a server.
final class ScriptedRegistry: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var handler: (HTTPRequest) throws -> HTTPResponse
    private var recorded: [HTTPRequest] = []

    init(_ handler: @escaping (HTTPRequest) throws -> HTTPResponse) { self.handler = handler }

    var sent: [HTTPRequest] { lock.withLock { recorded } }

    /// `METHOD path` of each request, for comparing sequences.
    var lines: [String] { sent.map { "\($0.method) \($0.path)" } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try lock.withLock {
            recorded.append(request)
            return try handler(request)
        }
    }

    /// A well-behaved anonymous registry holding `present` blobs: HEAD, POST (answered with
    /// `location(uuid)`), PUT, PUT manifest.
    static func anonymous(
        present: Set<String> = [],
        location: @escaping (String) -> String = { "/v2/ns/fn/blobs/uploads/\($0)?_state=s%2Bt" }
    )
        -> ScriptedRegistry
    {
        ScriptedRegistry(answers(present: present, location: location))
    }

    /// The answers of `anonymous`, for registries that guard them.
    static func answers(
        present: Set<String> = [],
        location: @escaping (String) -> String = { "/v2/ns/fn/blobs/uploads/\($0)?_state=s%2Bt" }
    )
        -> (HTTPRequest) throws -> HTTPResponse
    {
        var uploads = 0
        return { request in
            switch (request.method, request.path) {
            case ("HEAD", let path) where path.contains("/blobs/sha256:"):
                return HTTPResponse(status: present.contains(String(path.split(separator: "/").last!)) ? 200 : 404)
            case ("POST", let path) where path.hasSuffix("/blobs/uploads/"):
                uploads += 1
                return HTTPResponse(status: 202, headers: ["Location": location("u\(uploads)")])
            case ("PUT", let path) where path.contains("/manifests/"):
                return HTTPResponse(status: 201, headers: ["Docker-Content-Digest": Digest.sha256(request.body)])
            case ("PUT", _):
                return HTTPResponse(status: 201)
            default:
                return HTTPResponse(status: 404)
            }
        }
    }
}

/// A small image in memory: a config and two layers.
enum SampleImage {
    static let config = PushableImage.Blob(bytes: Data(#"{"architecture":"amd64","os":"linux"}"#.utf8))
    static let layerA = PushableImage.Blob(bytes: Data("layer a".utf8))
    static let layerB = PushableImage.Blob(bytes: Data("layer b".utf8))

    static func image(layers: [PushableImage.Blob] = [layerA, layerB]) -> PushableImage {
        let descriptor = { (blob: PushableImage.Blob, type: String) in
            #"{"mediaType":"\#(type)","digest":"\#(blob.digest)","size":\#(blob.size)}"#
        }
        let manifest = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":\(descriptor(config, "application/vnd.oci.image.config.v1+json")),\
            "layers":[\(layers.map { descriptor($0, "application/vnd.oci.image.layer.v1.tar+gzip") }.joined(separator: ","))]}
            """
        return PushableImage(
            manifest: .init(bytes: Data(manifest.utf8), mediaType: "application/vnd.oci.image.manifest.v1+json"),
            blobs: [config] + layers)
    }

    static func reference(_ registry: String = "127.0.0.1:5000", tag: String = "v1") throws -> ImageReference {
        try ImageReference(registry: registry, repository: "ns/fn", tag: tag)
    }
}

/// The error `body` threw, or nil.
func thrownError(_ body: () async throws -> some Any) async -> (any Error)? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

func registryErrorBody(_ code: String, _ message: String) -> Data {
    Data(#"{"errors":[{"code":"\#(code)","message":"\#(message)","detail":null}]}"#.utf8)
}

extension RetryPolicy {
    /// Three attempts with no time to speak of between them.
    static let fast = RetryPolicy(attempts: 3, baseDelay: 0.001, maximumDelay: 0.002)
}
