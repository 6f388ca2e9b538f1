import Archiver
import Foundation
import LambdaChecks
import LambdaDeploy
import LambdaSupport
import LambdaTestSupport
import Testing

/// Turning what `build` wrote into the bytes to upload: the same bytes as `build`'s zip, the
/// architecture from the ELF header, Lambda's size limits.
@Suite struct DeployZipTests {
    /// The function and the extension written by build's own path once as zips and once
    /// without: the zips deploy makes from the directories are build's zips, byte for byte.
    @Test func aDirectoryIsZippedToTheBytesBuildWrites() async throws {
        let built = try BuiltArtifacts("deploy-bytes")
        defer { built.remove() }
        let zipped = "\(built.tree.root)/zipped"
        let plain = "\(built.tree.root)/plain"
        for (directory, zip) in [(zipped, true), (plain, false)] {
            try await built.function("app", in: directory, zip: zip)
            try await built.extension("watcher", in: directory, zip: zip)
        }
        #expect(!FileManager.default.fileExists(atPath: "\(plain)/app/bootstrap.zip"))
        // An image build's image.tar beside the bootstrap is that build's output, not a part.
        try Data("not a part".utf8).write(to: URL(fileURLWithPath: "\(plain)/app/image.tar"))

        let artifacts = try DeployArtifacts.find([], in: plain)
        let zips = try DeployArtifacts.prepare(artifacts, in: plain, zipOptions: built.options)
        defer { zips.forEach { $0.removeTemporary() } }
        let function = try #require(zips.first { $0.name == "app" })
        let layer = try #require(zips.first { $0.name == "watcher" })
        #expect(try bytes(function.zip.path) == bytes("\(zipped)/app/bootstrap.zip"))
        #expect(try bytes(layer.zip.path) == bytes("\(zipped)/extensions/watcher.zip"))

        // The zip build wrote is taken as it is, with the same facts.
        let written = try DeployArtifacts.prepare(
            try DeployArtifacts.find(["app"], in: zipped), in: zipped, zipOptions: built.options)
        #expect(written[0].zip.path == "\(zipped)/app/bootstrap.zip" && !written[0].isTemporary)
        #expect(written[0].codeSha256 == function.codeSha256)
        #expect(written[0].zip.size == function.zip.size)
        #expect(written[0].unzippedBytes == function.unzippedBytes)
        let expectedHash = Data(SHA256Hasher.hash([UInt8](try bytes("\(zipped)/app/bootstrap.zip"))))
            .base64EncodedString()
        #expect(function.codeSha256 == expectedHash)
        #expect(function.unzippedBytes == (try FileSystem.size(of: built.binary)) + 5 + 10 + 2 + 6 + 20)
        #expect(function.architecture == .x86_64 && layer.architecture == .x86_64)
        #expect(!function.requiresS3Upload)

        // Made under a staging name in the lambda directory, removed afterwards.
        #expect(function.isTemporary && Staging.isStaged(URL(fileURLWithPath: function.zip.path).lastPathComponent))
        #expect(FileSystem.parent(of: function.zip.path) == plain)
        function.removeTemporary()
        #expect(!FileManager.default.fileExists(atPath: function.zip.path))
        written[0].removeTemporary()
        #expect(FileManager.default.fileExists(atPath: "\(zipped)/app/bootstrap.zip"), "build's zip is never removed")
    }

    @Test func withZipsRemovesWhatItMadeWhateverTheBodyDoes() async throws {
        let built = try BuiltArtifacts("deploy-with")
        defer { built.remove() }
        let lambda = "\(built.tree.root)/lambda"
        try await built.function("app", in: lambda, zip: false)
        struct Stop: Error {}
        var made = ""
        await #expect(throws: Stop.self) {
            try await DeployArtifacts.withZips(
                try DeployArtifacts.find([], in: lambda), in: lambda, zipOptions: built.options
            ) { zips in
                made = zips[0].zip.path
                throw Stop()
            }
        }
        #expect(!made.isEmpty && !FileManager.default.fileExists(atPath: made))
        #expect(try FileSystem.contentsOfDirectory(lambda) == ["app"])
    }

    /// The architecture is read from real ELF files, and anything else is an error naming the file.
    @Test func theArchitectureComesFromTheELFHeader() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ELFKitTests/Corpus").path
        let tree = try TreeFixture("deploy-arch")
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        func artifact(_ name: String, from source: String) throws -> DeployableArtifact {
            try tree.directory(name)
            try FileSystem.copyFile(from: source, to: "\(tree.root)/\(name)/bootstrap", mode: 0o755)
            return try DeployArtifacts.find([name], in: tree.root)[0]
        }
        let arm = try artifact("arm", from: "\(corpus)/hello-aarch64")
        let intel = try artifact("intel", from: "\(corpus)/hello-x86_64")
        let zips = try DeployArtifacts.prepare([arm, intel], in: tree.root, zipOptions: ZipOptions())
        zips.forEach { $0.removeTemporary() }
        #expect(zips.map(\.architecture) == [.arm64, .x86_64])
        #expect(zips.map(\.architecture.rawValue) == ["arm64", "x86_64"])

        // EM_RISCV (243) in an otherwise real header.
        var riscv = [UInt8](try bytes("\(corpus)/hello-x86_64"))
        riscv[18] = 243
        riscv[19] = 0
        try tree.file("riscv.bin")
        try Data(riscv).write(to: URL(fileURLWithPath: "\(tree.root)/riscv.bin"))
        let other = try artifact("other", from: "\(tree.root)/riscv.bin")
        let error = #expect(throws: DeployArtifactError.self) {
            try DeployArtifacts.prepare([other], in: tree.root, zipOptions: ZipOptions())
        }
        #expect(error == .unsupportedArchitecture(path: "\(tree.root)/other/bootstrap", machine: "machine 243"))

        try tree.file("script.sh", "#!/bin/sh\necho hi\n")
        let script = try artifact("script", from: "\(tree.root)/script.sh")
        let unreadable = #expect(throws: DeployArtifactError.self) {
            try DeployArtifacts.prepare([script], in: tree.root, zipOptions: ZipOptions())
        }
        #expect(
            "\(unreadable!)"
                == "cannot read the architecture of \(tree.root)/script/bootstrap: not an ELF file; build it again")
        #expect(
            try FileSystem.contentsOfDirectory(tree.root).allSatisfy { !Staging.isStaged($0) }, "nothing was zipped")
    }

    /// Over Lambda's 250 MB unzipped (a sparse file: the size counts, not the blocks), a function
    /// is refused in one line before anything is zipped, whichever artifact comes first.
    @Test func aFunctionOverTheUnzippedLimitIsRefusedFirst() throws {
        #expect(LambdaLimits.unzippedBytes == 262_144_000 && LambdaLimits.directUploadZipBytes == 52_428_800)
        let tree = try TreeFixture("deploy-large")
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let binary = try RuntimeFixtures.compiled().runtime
        for name in ["big", "small"] {
            try tree.directory(name)
            try FileSystem.copyFile(from: binary, to: "\(tree.root)/\(name)/bootstrap", mode: 0o755)
        }
        let handle = try #require(FileHandle(forWritingAtPath: "\(tree.root)/big/bootstrap"))
        try handle.truncate(atOffset: UInt64(LambdaLimits.unzippedBytes) + 1)
        try handle.close()

        let artifacts = try DeployArtifacts.find(["small", "big"], in: tree.root)
        let error = #expect(throws: DeployArtifactError.self) {
            try DeployArtifacts.prepare(artifacts, in: tree.root, zipOptions: ZipOptions())
        }
        #expect(
            error == .tooLarge(name: "big", bytes: LambdaLimits.unzippedBytes + 1, limit: LambdaLimits.unzippedBytes))
        #expect(!"\(error!)".contains("\n"))
        #expect(try FileSystem.contentsOfDirectory(tree.root) == ["big", "small"], "nothing was zipped")

        // A limit injected: the size of a zip build wrote is what its entries unpack to.
        let small = try DeployArtifacts.prepare([artifacts[0]], in: tree.root, zipOptions: ZipOptions())
        defer { small.forEach { $0.removeTemporary() } }
        #expect(small[0].unzippedBytes == (try FileSystem.size(of: binary)))
        #expect(throws: DeployArtifactError.tooLarge(name: "small", bytes: small[0].unzippedBytes, limit: 100)) {
            try DeployArtifacts.prepare([artifacts[0]], in: tree.root, zipOptions: ZipOptions(), unzippedLimit: 100)
        }
    }

    /// A binary-only extension shares the layer root: a bundle or `lib/` there might be its own.
    @Test func aBinaryExtensionBesideUnattributablePartsIsRefused() async throws {
        let built = try BuiltArtifacts("deploy-ext")
        defer { built.remove() }
        let lambda = "\(built.tree.root)/lambda"
        try await built.extension("watcher", in: lambda, zip: false)
        try built.tree.directory("lambda/extensions/Pkg_Watcher.resources")
        try built.tree.directory("lambda/lib")
        let error = #expect(throws: DeployArtifactError.self) {
            try DeployArtifacts.prepare(try DeployArtifacts.find([], in: lambda), in: lambda, zipOptions: built.options)
        }
        #expect(
            error == .extensionPartsUnknown(name: "watcher", candidates: ["extensions/Pkg_Watcher.resources", "lib/"]))
    }
}
