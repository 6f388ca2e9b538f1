import Archiver
import Foundation

/// Writes `image.tar`: an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/...`) in an
/// uncompressed tar, which `skopeo copy oci-archive:`, `podman load` and `docker load` read, and
/// which a registry push can be made from without a container engine.
///
/// The tar follows the layers' rules (sorted names, uid/gid 0, one mtime, no extended headers
/// that vary), and the documents are canonical JSON, so the same layers, config and reference
/// give the same bytes: image.tar's own digest is as stable as the manifest's.
public enum OCIArchiveWriter {
    /// Builds the config (its `rootfs.diff_ids` from `layers`, so they cannot disagree), the
    /// manifest and the index; writes them with the layer blobs to a temporary file next to
    /// `destination` and renames it into place. The layer files are read, not moved.
    ///
    /// - Parameter reference: stored as `org.opencontainers.image.ref.name`; give `name:tag`
    ///   (`hello:latest`), which `podman load` turns into `localhost/hello:latest` and which
    ///   `skopeo copy oci-archive:image.tar:hello:latest` selects.
    @discardableResult
    public static func write(
        layers: [LayerSummary], architecture: ImageArchitecture, config: ContainerConfig, reference: String,
        to destination: String, options: LayerOptions = LayerOptions()
    ) throws -> ImageSummary {
        try options.validate()
        try checkReference(reference)
        let configuration = ImageConfiguration(
            architecture: architecture, config: config, diffIDs: layers.map(\.diffID))
        let configBytes = try CanonicalJSON.encode(configuration)
        let configDescriptor = Descriptor(
            mediaType: MediaType.config, digest: .of(configBytes), size: Int64(configBytes.count))
        let layerDescriptors = layers.map {
            Descriptor(mediaType: MediaType.layerGzip, digest: $0.digest, size: $0.compressedSize)
        }
        let manifest = ImageManifest(config: configDescriptor, layers: layerDescriptors)
        let manifestBytes = try CanonicalJSON.encode(manifest)
        let manifestDigest = Digest.of(manifestBytes)
        let index = ImageIndex(manifests: [
            Descriptor(
                mediaType: MediaType.manifest, digest: manifestDigest, size: Int64(manifestBytes.count),
                annotations: [ImageIndex.referenceAnnotation: reference],
                platform: .init(architecture: architecture.rawValue, os: "linux"))
        ])

        var blobs = [ImageBlob(descriptor: configDescriptor, content: .bytes(configBytes))]
        var seen: Set<Digest> = [configDescriptor.digest]
        for (layer, descriptor) in zip(layers, layerDescriptors) where seen.insert(layer.digest).inserted {
            blobs.append(ImageBlob(descriptor: descriptor, content: .file(path: layer.path)))
        }
        var items = [
            TarItem(path: "oci-layout", content: .bytes(Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)), mode: 0o644),
            TarItem(path: "index.json", content: .bytes(try CanonicalJSON.encode(index)), mode: 0o644),
            TarItem(path: "blobs", content: .directory, mode: 0o755),
            TarItem(path: "blobs/sha256", content: .directory, mode: 0o755),
            TarItem(path: "blobs/sha256/" + manifestDigest.hex, content: .bytes(manifestBytes), mode: 0o644),
        ]
        for blob in blobs where blob.digest != manifestDigest {
            let content: TarItem.Content
            switch blob.content {
            case .bytes(let bytes): content = .bytes(bytes)
            case .file(let path): content = .file(source: path)
            }
            items.append(TarItem(path: "blobs/sha256/" + blob.digest.hex, content: content, mode: 0o644))
        }
        items.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }

        try OCIImageError.mappingArchiverErrors {
            let output = try AtomicOutputFile.createTemporary(for: destination)
            do {
                _ = try LibArchive.withUTF8Names {
                    let stream = try LibArchiveTarStream(output: output, gzipLevel: nil)
                    try TarItem.write(items, to: stream, modificationTime: options.modificationTime)
                    return try stream.close()
                }
                try output.commit(to: destination)
            } catch {
                output.discard()
                throw error
            }
        }
        return ImageSummary(
            path: destination, reference: reference, manifestDigest: manifestDigest,
            configDigest: configDescriptor.digest, layers: layers, manifestBytes: manifestBytes,
            manifestMediaType: MediaType.manifest, blobs: blobs)
    }

    /// The OCI annotation's character set: alphanumerics separated by one of `-._:@/+`.
    static func checkReference(_ reference: String) throws {
        let separators = Set("-._:@/+".utf8)
        let bytes = Array(reference.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
        }
        guard let first = bytes.first, let last = bytes.last, alphanumeric(first), alphanumeric(last),
            bytes.allSatisfy({ alphanumeric($0) || separators.contains($0) })
        else { throw OCIImageError.invalidReference(reference) }
    }
}
