import Foundation

/// One blob of an image as a registry push needs it: its descriptor and where its bytes are,
/// without reopening image.tar.
public struct ImageBlob: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// Small documents (the config, a manifest), kept in memory.
        case bytes([UInt8])
        /// A layer, on disk (streamed by the pusher).
        case file(path: String)
    }

    public var descriptor: Descriptor
    public var content: Content

    public var digest: Digest { descriptor.digest }
    public var size: Int64 { descriptor.size }
    public var mediaType: String { descriptor.mediaType }

    public init(descriptor: Descriptor, content: Content) {
        self.descriptor = descriptor
        self.content = content
    }

    /// The blob's bytes: for a file, read whole (a caller that streams uses `content`'s path).
    public func bytes() throws -> [UInt8] {
        switch content {
        case .bytes(let bytes): return bytes
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw OCIImageError.fileSystem(operation: "read", path: path, errno: errno == 0 ? ENOENT : errno)
            }
            return [UInt8](data)
        }
    }
}

/// An image as written: what `build` reports and what a registry push uploads (the blobs, then
/// the manifest under its media type).
public struct ImageSummary: Sendable, Hashable {
    /// The image.tar written.
    public var path: String
    /// The reference stored as `org.opencontainers.image.ref.name`.
    public var reference: String
    /// The manifest's digest: the image's identity, which Lambda reports as `ImageUri@digest`.
    public var manifestDigest: Digest
    public var configDigest: Digest
    public var layers: [LayerSummary]
    /// Bytes of the manifest as written (the body of a registry's manifest PUT) and its media type.
    public var manifestBytes: [UInt8]
    public var manifestMediaType: String
    /// The config, then each layer once, bottom first: what a push uploads before the manifest.
    public var blobs: [ImageBlob]

    /// The layers' blob sizes plus the config's: what a registry stores (and pulls) for the image.
    public var compressedSize: Int64 {
        layers.reduce(0) { $0 + $1.compressedSize } + (blobs.first?.size ?? 0)
    }

    /// The layers' tar sizes plus the config's: about what the image takes once unpacked.
    public var uncompressedSize: Int64 {
        layers.reduce(0) { $0 + $1.uncompressedSize } + (blobs.first?.size ?? 0)
    }
}
