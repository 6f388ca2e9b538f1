import Foundation
import Testing

@testable import OCIImage

/// The same inputs give the same bytes wherever and whenever they are written; only the content,
/// the modes asked for and SOURCE_DATE_EPOCH change the digests.
@Suite struct ReproducibilityTests {
    @Test func sameInputsInOtherDirectoriesGiveIdenticalBytes() throws {
        let scratch = try Scratch()
        let first = try ImageFixture(scratch, inputs: "a", sourceTime: 1_000_000_000)
        // Other paths, other on-disk modes' owner (nobody, as root can), other mtimes.
        let second = try ImageFixture(scratch, inputs: "b-with-a-longer-name", sourceTime: 1_600_000_000)
        if getuid() == 0 {
            for name in ["libfake.so.1", "os-release", "bootstrap", "config.json"] {
                #expect(chown(second.input(name), 65534, 65534) == 0)
            }
        }
        let a = try first.write(into: "out-1")
        let b = try second.write(into: "somewhere/else/out-2")

        #expect(a.manifestDigest == b.manifestDigest)
        #expect(a.configDigest == b.configDigest)
        #expect(a.layers.map(\.digest) == b.layers.map(\.digest))
        #expect(a.layers.map(\.diffID) == b.layers.map(\.diffID))
        #expect(try scratch.bytes("out-1/image.tar") == scratch.bytes("somewhere/else/out-2/image.tar"))
        #expect(try scratch.bytes("out-1/system.tar.gz") == scratch.bytes("somewhere/else/out-2/system.tar.gz"))
        #expect(a.compressedSize == a.layers.map(\.compressedSize).reduce(0, +) + a.blobs[0].size)
        #expect(a.uncompressedSize == a.layers.map(\.uncompressedSize).reduce(0, +) + a.blobs[0].size)
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path("out-1")).sorted()
        #expect(left == ["function.tar.gz", "image.tar", "system.tar.gz"], "no temporary file left")
    }

    @Test func sourceDateEpochAndTheReferenceChangeTheDigestsTheyShould() throws {
        let scratch = try Scratch()
        let fixture = try ImageFixture(scratch)
        let base = try fixture.write(into: "base")
        let later = try fixture.write(
            into: "later", options: try LayerOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": "1700000000"]))
        let renamed = try fixture.write(into: "renamed", reference: "other:v2")

        #expect(later.layers.map(\.digest) != base.layers.map(\.digest))
        #expect(later.layers.map(\.diffID) != base.layers.map(\.diffID))
        #expect(later.manifestDigest != base.manifestDigest)
        // The reference is in index.json only: the image itself is the same.
        #expect(renamed.manifestDigest == base.manifestDigest)
        #expect(try scratch.bytes("renamed/image.tar") != scratch.bytes("base/image.tar"))
    }

    @Test func aModeChangesTheLayer() throws {
        let scratch = try Scratch()
        let plain = try LayerWriter.write([.directory("tmp")], to: scratch.path("plain.tar.gz"))
        let sticky = try LayerWriter.write([.directory("tmp", mode: 0o1777)], to: scratch.path("sticky.tar.gz"))
        #expect(plain.diffID != sticky.diffID)
        #expect(plain.digest != sticky.digest)
    }

    @Test func blobsForAPushAreTheConfigThenEachLayerOnce() throws {
        let scratch = try Scratch()
        let layer = try LayerWriter.write([.directory("tmp", mode: 0o1777)], to: scratch.path("l.tar.gz"))
        let summary = try OCIArchiveWriter.write(
            layers: [layer, layer], architecture: .amd64, config: ContainerConfig(cmd: ["handler"]), reference: "fn:1",
            to: scratch.path("image.tar"))
        #expect(summary.blobs.map(\.digest) == [summary.configDigest, layer.digest])
        #expect(summary.blobs.map(\.mediaType) == [MediaType.config, MediaType.layerGzip])
        #expect(summary.blobs[1].content == .file(path: scratch.path("l.tar.gz")))
        #expect(summary.blobs[1].size == layer.compressedSize)
        #expect(summary.manifestMediaType == MediaType.manifest)
        let manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(summary.manifestBytes))
        #expect(manifest.layers.map(\.digest) == [layer.digest, layer.digest], "the manifest still lists both")
        let image = try OCIArchiveReader.read(archive: summary.path, unpackingInto: scratch.path("read"))
        #expect(image.configuration.config.cmd == ["handler"])
        #expect(image.configuration.config.entrypoint == nil)
        #expect(!String(decoding: image.configBytes, as: UTF8.self).contains("Entrypoint"), "unset fields are left out")
    }

    @Test func invalidReferencesAreRefused() throws {
        let scratch = try Scratch()
        let layer = try LayerWriter.write([.directory("tmp")], to: scratch.path("l.tar.gz"))
        for reference in ["", "hello latest", ":latest", "hello:", "héllo"] {
            #expect(throws: OCIImageError.invalidReference(reference)) {
                try OCIArchiveWriter.write(
                    layers: [layer], architecture: .amd64, config: ContainerConfig(), reference: reference,
                    to: scratch.path("image.tar"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("image.tar")))
    }
}
