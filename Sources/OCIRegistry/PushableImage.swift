public import Foundation
import LambdaSupport

/// An image as a push needs it: the manifest's exact bytes (its digest is the image's identity,
/// so they are sent as written, never re-encoded) and every blob it names, each with a way to
/// its bytes. The image writer keeps blobs as files, so a blob is read from its file only when the
/// registry lacks it.
public struct PushableImage: Sendable {
    public var manifest: Manifest
    /// The config and the layers, in the order they are uploaded.
    public var blobs: [Blob]
    /// For an image index: the manifests it lists, pushed by digest before it (a registry refuses
    /// an index naming manifests it does not have).
    public var children: [Manifest]

    public init(manifest: Manifest, blobs: [Blob], children: [Manifest] = []) {
        self.manifest = manifest
        self.blobs = blobs
        self.children = children
    }

    public struct Manifest: Sendable, Equatable {
        public var bytes: Data
        /// `application/vnd.oci.image.manifest.v1+json`, `...index.v1+json`, or Docker's equivalents.
        public var mediaType: String

        public init(bytes: Data, mediaType: String) {
            self.bytes = bytes
            self.mediaType = mediaType
        }

        /// `sha256:<hex>` of the bytes.
        public var digest: String { Digest.sha256(bytes) }
    }

    public struct Blob: Sendable, Equatable {
        /// `sha256:<64 lower-case hex>`.
        public var digest: String
        public var size: Int64
        public var source: Source

        public enum Source: Sendable, Equatable {
            /// A file holding exactly the blob's bytes.
            case file(String)
            case bytes(Data)
        }

        public init(digest: String, size: Int64, source: Source) {
            self.digest = digest
            self.size = size
            self.source = source
        }

        /// A blob of bytes in memory, digest and size computed (a small config JSON).
        public init(bytes: Data) {
            self.init(digest: Digest.sha256(bytes), size: Int64(bytes.count), source: .bytes(bytes))
        }

        /// The bytes, a file mapped rather than read (a layer may be hundreds of megabytes);
        /// a file of another size than the manifest says is refused before it is sent.
        func contents() throws -> Data {
            let data: Data
            switch source {
            case .bytes(let bytes):
                data = bytes
            case .file(let path):
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
                } catch {
                    throw RegistryError.badImage(
                        "blob \(digest) cannot be read from \(path) (\(error.localizedDescription))")
                }
            }
            guard Int64(data.count) == size else {
                throw RegistryError.badImage("blob \(digest) is \(data.count) bytes, not the \(size) the manifest says")
            }
            return data
        }
    }

    /// Refuses an image whose digests are not `sha256:<hex>` (a registry would refuse it later,
    /// after the uploads).
    func validate() throws {
        for blob in blobs where !Digest.isSHA256(blob.digest) {
            throw RegistryError.badImage("'\(blob.digest)' is not a sha256:<64 hex digits> digest")
        }
    }
}

/// Content digests as the distribution API writes them.
public enum Digest {
    public static func sha256(_ data: Data) -> String {
        let hash = data.withUnsafeBytes { bytes in
            let hasher = SHA256Hasher()
            hasher.update(bytes)
            return hasher.finalize()
        }
        return "sha256:" + hash.map { String(format: "%02x", $0) }.joined()
    }

    public static func isSHA256(_ digest: String) -> Bool {
        guard digest.hasPrefix("sha256:") else { return false }
        let hex = digest.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}

/// What a push did.
public struct PushReport: Sendable, Equatable {
    public var reference: ImageReference
    /// `sha256:<hex>` of the manifest, as the registry confirmed it.
    public var manifestDigest: String
    /// Blobs sent, in order.
    public var uploaded: [String]
    /// Blobs the registry already had (a second push of the same image sends only its manifest).
    public var alreadyPresent: [String]
    /// Blob and manifest bytes sent.
    public var bytesSent: Int64
    /// The repository was created first (ECR, which does not create repositories on push).
    public var createdRepository: Bool

    public init(
        reference: ImageReference, manifestDigest: String, uploaded: [String], alreadyPresent: [String],
        bytesSent: Int64,
        createdRepository: Bool = false
    ) {
        self.reference = reference
        self.manifestDigest = manifestDigest
        self.uploaded = uploaded
        self.alreadyPresent = alreadyPresent
        self.bytesSent = bytesSent
        self.createdRepository = createdRepository
    }

    /// `registry/repository@sha256:...`: the reference that does not move.
    public var pinnedReference: String { reference.pinned(manifestDigest) }
}
