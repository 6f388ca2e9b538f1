import Foundation
import LambdaSupport
import Testing

@testable import OCIImage
import ExternalToolSupport

/// image.tar read back by tools that share no code with it: skopeo (containers/image), umoci,
/// bsdtar and Python. A test is skipped, with the reason, only when its tool is not installed.
@Suite struct ImageInteropTests {
    @Test(.requires("skopeo"))
    func skopeoInspectsTheArchive() throws {
        let fixture = try ImageFixture(try Scratch())
        let summary = try fixture.write(into: "out")
        let output = try ExternalTool.run("skopeo", ["--insecure-policy", "inspect", "oci-archive:" + summary.path])
        struct Inspect: Decodable {
            let digest, architecture, os: String
            let layers: [String]
            let env: [String]?

            enum CodingKeys: String, CodingKey {
                case digest = "Digest"
                case architecture = "Architecture"
                case os = "Os"
                case layers = "Layers"
                case env = "Env"
            }
        }
        let inspect = try JSONDecoder().decode(Inspect.self, from: Data(output.utf8))
        #expect(inspect.digest == summary.manifestDigest.description)
        #expect(inspect.architecture == "arm64")
        #expect(inspect.os == "linux")
        #expect(inspect.layers == summary.layers.map(\.digest.description))
        #expect(inspect.env == ImageFixture.config.env)

        // The reference names the manifest: skopeo selects it by ref.name.
        let named = try ExternalTool.run(
            "skopeo", ["--insecure-policy", "inspect", "oci-archive:" + summary.path + ":hello:latest"])
        #expect(named.contains(summary.manifestDigest.description))
        #expect(throws: ExternalTool.Failure.self) {
            try ExternalTool.run("skopeo", ["--insecure-policy", "inspect", "oci-archive:" + summary.path + ":other"])
        }
    }

    @Test(.requires("skopeo", "umoci"))
    func umociUnpacksTheTreeSkopeoCopied() throws {
        let scratch = try Scratch()
        let fixture = try ImageFixture(scratch)
        let summary = try fixture.write(into: "out")
        _ = try ExternalTool.run(
            "skopeo",
            ["--insecure-policy", "copy", "oci-archive:" + summary.path, "oci:" + scratch.path("layout") + ":latest"])
        // As root umoci restores owners too; otherwise it needs --rootless.
        let rootless = getuid() == 0 ? [] : ["--rootless"]
        _ = try ExternalTool.run(
            "umoci", ["unpack"] + rootless + ["--image", scratch.path("layout") + ":latest", scratch.path("bundle")])

        #expect(try fileTree(scratch.path("bundle/rootfs")) == ImageFixture.expectedTree)
        // skopeo kept the blobs as they are: the same manifest digest in the copied layout.
        let copied = try OCIArchiveReader.read(layout: scratch.path("layout"))
        #expect(copied.manifestDescriptor.digest == summary.manifestDigest)
        #expect(copied.configuration.rootfs.diffIDs == summary.layers.map(\.diffID))
        // ImageUnpacker gives the tree umoci gives.
        try ImageUnpacker.unpack(copied, into: scratch.path("ours"))
        #expect(try fileTree(scratch.path("ours")) == ImageFixture.expectedTree)
    }

    @Test(.requires("bsdtar"))
    func bsdtarListsEachLayerBlobOwnedByRootAtTheEpoch() throws {
        let fixture = try ImageFixture(try Scratch())
        let summary = try fixture.write(into: "out")
        var names: [String] = []
        for layer in summary.layers {
            let output = try ExternalTool.run(
                "bsdtar", ["-tvzf", layer.path], environment: ["TZ": "UTC", "LC_ALL": "C"])
            for row in output.split(separator: "\n").map({ $0.split(separator: " ").map(String.init) }) {
                #expect(row[2] == "0" && row[3] == "0", "owner 0/0: \(row)")
                #expect(Array(row[5...7]) == ["Jan", "1", "1980"], "\(row)")
                names.append(row[0] + " " + row[8...].joined(separator: " "))
            }
        }
        #expect(
            names == [
                "drwxr-xr-x etc/", "-rw-r--r-- etc/os-release", "lrwxrwxrwx lib64 -> usr/lib64", "drwxrwxrwt tmp/",
                "drwxr-xr-x usr/", "drwxr-xr-x usr/lib64/", "-rwxr-xr-x usr/lib64/libfake.so.1",
                "drwxr-xr-x var/", "drwxr-xr-x var/task/", "drwxr-xr-x var/task/Pkg_Target.resources/",
                "-rw-r--r-- var/task/Pkg_Target.resources/config.json", "-rwxr-xr-x var/task/bootstrap",
            ])
    }

    @Test(.requires("python3", "tar"))
    func imageTarIsALayoutOfCanonicalDocuments() throws {
        let fixture = try ImageFixture(try Scratch())
        let summary = try fixture.write(into: "out")
        let listing = try TarListing.read(summary.path)
        let blobs = ([summary.manifestDigest, summary.configDigest] + summary.layers.map(\.digest)).map {
            "blobs/sha256/" + $0.hex
        }
        #expect(
            listing.members.map(\.name) == ["blobs", "blobs/sha256"] + blobs.sorted() + ["index.json", "oci-layout"])
        #expect(listing.members.allSatisfy { $0.uid == 0 && $0.gid == 0 && $0.uname == "" && $0.pax.isEmpty })
        #expect(listing.members.allSatisfy { $0.mtime == 315_532_800 })
        #expect(listing.magics == ["7573746172003030"])
        #expect(listing.gzip == nil)

        let config = String(decoding: try summary.blobs[0].bytes(), as: UTF8.self)
        let diffIDs = summary.layers.map { "\"\($0.diffID)\"" }.joined(separator: ",")
        #expect(
            config == #"{"architecture":"arm64","config":{"Entrypoint":["/var/task/bootstrap"],"#
                + #""Env":["PATH=/usr/bin:/bin","LAMBDA_TASK_ROOT=/var/task"],"WorkingDir":"/var/task"},"#
                + #""os":"linux","rootfs":{"diff_ids":["# + diffIDs + #"],"type":"layers"}}"#)
        let manifest = String(decoding: summary.manifestBytes, as: UTF8.self)
        #expect(
            manifest.hasPrefix(
                #"{"config":{"digest":"\#(summary.configDigest)","mediaType":"application/vnd.oci.image.config.v1+json","size":"#
            ))
        #expect(manifest.contains(#""mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}"#))
        #expect(Digest.of(summary.manifestBytes) == summary.manifestDigest)

        let layoutDirectory = try fixture.scratch.directory("untarred")
        _ = try ExternalTool.run("tar", ["-xf", summary.path, "-C", layoutDirectory])
        #expect(
            try String(contentsOfFile: layoutDirectory + "/oci-layout", encoding: .utf8)
                == #"{"imageLayoutVersion":"1.0.0"}"#)
        let index = try String(contentsOfFile: layoutDirectory + "/index.json", encoding: .utf8)
        #expect(
            index == #"{"manifests":[{"annotations":{"org.opencontainers.image.ref.name":"hello:latest"},"#
                + #""digest":"\#(summary.manifestDigest)","mediaType":"application/vnd.oci.image.manifest.v1+json","#
                + #""platform":{"architecture":"arm64","os":"linux"},"size":\#(summary.manifestBytes.count)}],"#
                + #""mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2}"#)
    }
}
