import Archiver
import Foundation
import LambdaSupport

/// An image read back and verified: every blob it names was hashed and measured.
public struct ReadImage: Sendable, Hashable {
    /// The layout directory the blobs are in (`blobs/sha256/<hex>` below it).
    public var layoutDirectory: String
    /// The manifest's `org.opencontainers.image.ref.name`, when it has one.
    public var reference: String?
    /// The manifest's descriptor in `index.json`.
    public var manifestDescriptor: Descriptor
    public var manifest: ImageManifest
    public var manifestBytes: [UInt8]
    public var configuration: ImageConfiguration
    public var configBytes: [UInt8]
    /// Each layer's descriptor and blob file, bottom first.
    public var layers: [ImageBlob]

    /// The path of a blob in the layout.
    public func blobPath(_ digest: Digest) -> String {
        layoutDirectory + "/blobs/sha256/" + digest.hex
    }
}

/// Reads what `OCIArchiveWriter` writes, and single-architecture OCI images from other tools:
/// `index.json` -> manifest -> config, each blob checked against its digest and size, so a
/// damaged or truncated image is an error here, not a container that fails later.
public enum OCIArchiveReader {
    /// Reads `image.tar`, unpacking its layout files (`oci-layout`, `index.json`,
    /// `blobs/sha256/<hex>`, nothing else: no other name reaches the disk) into `directory`,
    /// which must be new or empty; the result's blobs are there.
    public static func read(archive path: String, unpackingInto directory: String) throws -> ReadImage {
        try ImageUnpacker.prepareEmptyDirectory(directory)
        let reader = try LibArchive.withUTF8Names { try LibArchiveTarReader(path: path) }
        guard mkdir(directory + "/blobs", 0o755) == 0, mkdir(directory + "/blobs/sha256", 0o755) == 0 else {
            throw OCIImageError.fileSystem(operation: "mkdir", path: directory + "/blobs/sha256", errno: errno)
        }
        while let header = try reader.next() {
            var name = header.path
            while name.hasPrefix("./") { name.removeFirst(2) }
            guard header.kind == .file, isLayoutFile(name) else { continue }
            let destination = directory + "/" + name
            try OCIImageError.mappingArchiverErrors {
                let output = try AtomicOutputFile.createTemporary(for: destination)
                do {
                    try reader.readData { try output.append($0) }
                    try output.commit(to: destination)
                } catch {
                    output.discard()
                    throw error
                }
            }
        }
        return try read(layout: directory, source: path)
    }

    /// Reads an OCI image layout directory in place (`skopeo copy ... oci:DIR`).
    public static func read(layout directory: String) throws -> ReadImage {
        try read(layout: directory, source: directory)
    }

    private static func read(layout directory: String, source: String) throws -> ReadImage {
        guard let layoutBytes = FileManager.default.contents(atPath: directory + "/oci-layout") else {
            throw OCIImageError.unreadableImage(path: source, problem: "no oci-layout file")
        }
        struct Layout: Decodable { let imageLayoutVersion: String }
        let layout = try CanonicalJSON.decode(Layout.self, from: [UInt8](layoutBytes), name: "oci-layout")
        guard layout.imageLayoutVersion == "1.0.0" else {
            throw OCIImageError.invalidDocument(
                name: "oci-layout", problem: "imageLayoutVersion \(layout.imageLayoutVersion), not 1.0.0")
        }
        guard let indexBytes = FileManager.default.contents(atPath: directory + "/index.json") else {
            throw OCIImageError.unreadableImage(path: source, problem: "no index.json")
        }
        let index = try CanonicalJSON.decode(ImageIndex.self, from: [UInt8](indexBytes), name: "index.json")
        guard index.manifests.count == 1, let descriptor = index.manifests.first else {
            throw OCIImageError.manifestCount(index.manifests.count)
        }
        let indexTypes = [MediaType.index, "application/vnd.docker.distribution.manifest.list.v2+json"]
        guard !indexTypes.contains(descriptor.mediaType) else {
            throw OCIImageError.nestedIndex(mediaType: descriptor.mediaType)
        }
        guard descriptor.mediaType == MediaType.manifest else {
            throw OCIImageError.unsupportedMediaType(descriptor.mediaType, in: "index.json's manifest")
        }
        let manifestBytes = try verifiedBytes(descriptor, in: directory)
        let manifest = try CanonicalJSON.decode(ImageManifest.self, from: manifestBytes, name: "manifest")
        guard manifest.schemaVersion == 2 else {
            throw OCIImageError.invalidDocument(
                name: "manifest", problem: "schemaVersion \(manifest.schemaVersion), not 2")
        }
        guard manifest.config.mediaType == MediaType.config else {
            throw OCIImageError.unsupportedMediaType(manifest.config.mediaType, in: "the manifest's config")
        }
        let configBytes = try verifiedBytes(manifest.config, in: directory)
        let configuration = try CanonicalJSON.decode(ImageConfiguration.self, from: configBytes, name: "config")
        guard configuration.rootfs.diffIDs.count == manifest.layers.count else {
            throw OCIImageError.invalidDocument(
                name: "config",
                problem: "\(configuration.rootfs.diffIDs.count) diff_ids for \(manifest.layers.count) layers")
        }
        var layers: [ImageBlob] = []
        for layer in manifest.layers {
            guard MediaType.readableLayers.contains(layer.mediaType) else {
                throw OCIImageError.unsupportedMediaType(layer.mediaType, in: "layer \(layer.digest)")
            }
            let path = try verifiedFile(layer, in: directory)
            layers.append(ImageBlob(descriptor: layer, content: .file(path: path)))
        }
        return ReadImage(
            layoutDirectory: directory, reference: descriptor.annotations?[ImageIndex.referenceAnnotation],
            manifestDescriptor: descriptor, manifest: manifest, manifestBytes: manifestBytes,
            configuration: configuration, configBytes: configBytes, layers: layers)
    }

    /// `blobs/sha256/` and 64 lowercase hex digits, or one of the two top-level files.
    private static func isLayoutFile(_ name: String) -> Bool {
        if name == "oci-layout" || name == "index.json" { return true }
        let prefix = "blobs/sha256/"
        guard name.hasPrefix(prefix) else { return false }
        return (try? Digest(parsing: "sha256:" + name.dropFirst(prefix.count))) != nil
    }

    private static func verifiedBytes(_ descriptor: Descriptor, in directory: String) throws -> [UInt8] {
        let path = try verifiedFile(descriptor, in: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OCIImageError.missingBlob(descriptor.digest.description)
        }
        return [UInt8](data)
    }

    /// Hashes the blob's file in chunks and compares digest and size with the descriptor's.
    private static func verifiedFile(_ descriptor: Descriptor, in directory: String) throws -> String {
        let path = directory + "/blobs/sha256/" + descriptor.digest.hex
        let descriptorFile = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptorFile >= 0 else {
            if errno == ENOENT { throw OCIImageError.missingBlob(descriptor.digest.description) }
            throw OCIImageError.fileSystem(operation: "open", path: path, errno: errno)
        }
        defer { _ = close(descriptorFile) }
        let hasher = SHA256Hasher()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        var size: Int64 = 0
        while true {
            let got = readChunk(descriptorFile, chunk)
            if got < 0 {
                if errno == EINTR { continue }
                throw OCIImageError.fileSystem(operation: "read", path: path, errno: errno)
            }
            if got == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<got]))
            size += Int64(got)
        }
        guard size == descriptor.size else {
            throw OCIImageError.sizeMismatch(
                digest: descriptor.digest.description, expected: descriptor.size, actual: size)
        }
        let actual = Digest(sha256: hasher.finalize())
        guard actual == descriptor.digest else {
            throw OCIImageError.digestMismatch(expected: descriptor.digest.description, actual: actual.description)
        }
        return path
    }
}

/// `read(2)` outside the reader's namespace, where its own `read` functions would shadow it.
private func readChunk(_ descriptor: Int32, _ chunk: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, chunk.baseAddress, chunk.count)
}
