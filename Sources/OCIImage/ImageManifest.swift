import Foundation

/// The media types this module writes and reads.
public enum MediaType {
    public static let manifest = "application/vnd.oci.image.manifest.v1+json"
    public static let index = "application/vnd.oci.image.index.v1+json"
    public static let config = "application/vnd.oci.image.config.v1+json"
    public static let layerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    /// Layers other tools write, which the reader and the unpacker accept (libarchive detects the
    /// compression itself).
    static let readableLayers: Set<String> = [
        layerGzip, "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
    ]
}

/// A content descriptor: what a manifest or an index says about a blob it points to.
public struct Descriptor: Sendable, Hashable, Codable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var annotations: [String: String]?
    public var platform: Platform?

    public struct Platform: Sendable, Hashable, Codable {
        public var architecture: String
        public var os: String

        public init(architecture: String, os: String) {
            self.architecture = architecture
            self.os = os
        }
    }

    public init(
        mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil, platform: Platform? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
    }
}

/// An image manifest (`application/vnd.oci.image.manifest.v1+json`): the config and the layers,
/// bottom first.
public struct ImageManifest: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]

    public init(config: Descriptor, layers: [Descriptor]) {
        schemaVersion = 2
        mediaType = MediaType.manifest
        self.config = config
        self.layers = layers
    }
}

/// `index.json` of an image layout.
public struct ImageIndex: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var manifests: [Descriptor]

    /// The annotation that names a manifest in an image layout: `skopeo copy oci-archive:PATH:NAME`
    /// selects by it, and `podman load` names the loaded image after it (`hello:latest` becomes
    /// `localhost/hello:latest`; a bare `latest` would become an image named `latest`).
    public static let referenceAnnotation = "org.opencontainers.image.ref.name"

    public init(manifests: [Descriptor]) {
        schemaVersion = 2
        mediaType = MediaType.index
        self.manifests = manifests
    }
}

/// The JSON of every document written: keys sorted, no whitespace, `/` unescaped, so the bytes
/// (and the digests that name them) depend on the values only.
enum CanonicalJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], name: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as OCIImageError {
            throw error
        } catch {
            throw OCIImageError.invalidDocument(name: name, problem: describe(error))
        }
    }

    /// A one-line account of a decoding error: the key path and what was wrong there.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "no '\(key.stringValue)'\(at(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type\(at(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(at(context))"
        @unknown default: return "\(error)"
        }
    }
}
