import Foundation
import Testing

@testable import OCIImage
import ExternalToolSupport

/// Reading back: index -> manifest -> config, every blob verified, and the refusals a damaged or
/// multi-architecture image gets.
@Suite struct OCIArchiveReaderTests {
    @Test func roundTripGivesTheValuesWritten() throws {
        let scratch = try Scratch()
        let summary = try ImageFixture(scratch).write(into: "out")
        let image = try OCIArchiveReader.read(archive: summary.path, unpackingInto: scratch.path("read"))

        #expect(image.reference == "hello:latest")
        #expect(image.manifestDescriptor.digest == summary.manifestDigest)
        #expect(image.manifestBytes == summary.manifestBytes)
        #expect(image.manifest.config.digest == summary.configDigest)
        #expect(image.manifest.layers.map(\.digest) == summary.layers.map(\.digest))
        #expect(image.configuration.architecture == .arm64)
        #expect(image.configuration.config == ImageFixture.config)
        #expect(image.configuration.rootfs.diffIDs == summary.layers.map(\.diffID))
        #expect(image.configBytes == (try summary.blobs[0].bytes()))
        for (layer, written) in zip(image.layers, summary.layers) {
            #expect(try layer.bytes() == scratch.bytes("out/" + (written.path as NSString).lastPathComponent))
        }
        // Only the layout's own files were unpacked.
        let blobs = try FileManager.default.contentsOfDirectory(atPath: scratch.path("read/blobs/sha256"))
        #expect(blobs.count == 4)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.path("read")).sorted() == [
                "blobs", "index.json", "oci-layout",
            ])
    }

    @Test(.requires("tar")) func aCorruptBlobIsReportedByItsDigest() throws {
        let scratch = try Scratch()
        let summary = try ImageFixture(scratch).write(into: "out")
        let layout = try scratch.directory("layout")
        _ = try ExternalTool.run("tar", ["-xf", summary.path, "-C", layout])
        let layer = summary.layers[1].digest
        let path = layout + "/blobs/sha256/" + layer.hex
        var bytes = try scratch.bytes("layout/blobs/sha256/" + layer.hex)
        bytes[bytes.count / 2] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: OCIImageError.self) { try OCIArchiveReader.read(layout: layout) }
        do {
            _ = try OCIArchiveReader.read(layout: layout)
        } catch OCIImageError.digestMismatch(let expected, _) {
            #expect(expected == layer.description)
        }

        try Data(bytes.dropLast()).write(to: URL(fileURLWithPath: path))
        #expect(
            throws: OCIImageError.sizeMismatch(
                digest: layer.description, expected: Int64(bytes.count), actual: Int64(bytes.count - 1))
        ) {
            try OCIArchiveReader.read(layout: layout)
        }
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: OCIImageError.missingBlob(layer.description)) { try OCIArchiveReader.read(layout: layout) }
    }

    @Test(.requires("tar")) func anIndexWithTwoManifestsIsRefused() throws {
        let scratch = try Scratch()
        let summary = try ImageFixture(scratch).write(into: "out")
        let layout = try scratch.directory("layout")
        _ = try ExternalTool.run("tar", ["-xf", summary.path, "-C", layout])
        let descriptor = Descriptor(
            mediaType: MediaType.manifest, digest: summary.manifestDigest, size: Int64(summary.manifestBytes.count))
        let index = ImageIndex(manifests: [descriptor, descriptor])
        try Data(try CanonicalJSON.encode(index)).write(to: URL(fileURLWithPath: layout + "/index.json"))

        #expect(throws: OCIImageError.manifestCount(2)) { try OCIArchiveReader.read(layout: layout) }
        #expect(
            OCIImageError.manifestCount(2).description
                == "image.tar holds an index with 2 manifests; swift-lambda reads single-architecture images (copy one with skopeo copy --override-arch)"
        )
        let nested = ImageIndex(manifests: [
            Descriptor(
                mediaType: MediaType.index, digest: summary.manifestDigest, size: Int64(summary.manifestBytes.count))
        ])
        try Data(try CanonicalJSON.encode(nested)).write(to: URL(fileURLWithPath: scratch.path("nested.json")))
        try FileManager.default.copyItem(atPath: layout, toPath: scratch.path("nested"))
        try FileManager.default.removeItem(atPath: scratch.path("nested/index.json"))
        try FileManager.default.moveItem(atPath: scratch.path("nested.json"), toPath: scratch.path("nested/index.json"))
        #expect(throws: OCIImageError.nestedIndex(mediaType: MediaType.index)) {
            try OCIArchiveReader.read(layout: scratch.path("nested"))
        }

        _ = try ExternalTool.run("tar", ["-cf", scratch.path("two.tar"), "-C", layout, "."])
        #expect(throws: OCIImageError.manifestCount(2)) {
            try OCIArchiveReader.read(archive: scratch.path("two.tar"), unpackingInto: scratch.path("read"))
        }
    }

    @Test func aLayoutFromAnotherToolWithoutConfigOrAnnotationsIsRead() throws {
        let scratch = try Scratch()
        let layout = try scratch.directory("layout")
        _ = try scratch.directory("layout/blobs/sha256")
        let layer = try LayerWriter.write(
            [.file("hello", source: try scratch.file("in/h", "hi"))], to: scratch.path("l.tar.gz"))
        func put(_ bytes: [UInt8]) throws -> Digest {
            let digest = Digest.of(bytes)
            try Data(bytes).write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + digest.hex))
            return digest
        }
        // Another tool's config: extra fields and no `config` object.
        let config = Array(
            #"{"architecture":"amd64","created":"2024-01-01T00:00:00Z","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layer.diffID)"]}}"#
                .utf8)
        _ = try put(try scratch.bytes("l.tar.gz"))
        let manifest = ImageManifest(
            config: Descriptor(mediaType: MediaType.config, digest: try put(config), size: Int64(config.count)),
            layers: [Descriptor(mediaType: MediaType.layerGzip, digest: layer.digest, size: layer.compressedSize)])
        let manifestBytes = try CanonicalJSON.encode(manifest)
        let index = ImageIndex(manifests: [
            Descriptor(mediaType: MediaType.manifest, digest: try put(manifestBytes), size: Int64(manifestBytes.count))
        ])
        try Data(try CanonicalJSON.encode(index)).write(to: URL(fileURLWithPath: layout + "/index.json"))
        try scratch.file("layout/oci-layout", #"{"imageLayoutVersion": "1.0.0"}"#)

        let image = try OCIArchiveReader.read(layout: layout)
        #expect(image.reference == nil)
        #expect(image.configuration.config == ContainerConfig())
        #expect(image.configuration.architecture == .amd64)
        try ImageUnpacker.unpack(image, into: scratch.path("root"))
        #expect(try fileTree(scratch.path("root")) == ["hello": "f 644 hi"])
    }

    @Test(.requires("tar")) func notAnImageSaysWhatIsMissing() throws {
        let scratch = try Scratch()
        try scratch.file("empty/readme", "x")
        _ = try ExternalTool.run("tar", ["-cf", scratch.path("plain.tar"), "-C", scratch.path("empty"), "readme"])
        #expect(throws: OCIImageError.unreadableImage(path: scratch.path("plain.tar"), problem: "no oci-layout file")) {
            try OCIArchiveReader.read(archive: scratch.path("plain.tar"), unpackingInto: scratch.path("read"))
        }
        try scratch.file("garbage.tar", String(repeating: "not a tar ", count: 100))
        #expect(throws: OCIImageError.self) {
            try OCIArchiveReader.read(archive: scratch.path("garbage.tar"), unpackingInto: scratch.path("read2"))
        }
        try scratch.file("busy/x", "x")
        #expect(throws: OCIImageError.destinationNotEmpty(scratch.path("busy"))) {
            try OCIArchiveReader.read(archive: scratch.path("plain.tar"), unpackingInto: scratch.path("busy"))
        }
    }
}
