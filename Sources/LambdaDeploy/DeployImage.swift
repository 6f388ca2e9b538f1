import Foundation
public import LambdaBuild
import LambdaSupport
import OCIImage
public import OCIRegistry

/// One function to deploy as a container image (`PackageType: Image`): the image.tar `build
/// --output-format image` wrote, read back and verified, and where it is pushed. What deploy
/// decides before any call comes from here: the manifest's digest (so the pinned URI the push
/// will give, and whether the function already runs it) and the architecture of the image's
/// config. The blobs stay unpacked beside the archive until `remove()`.
public struct DeployImage: Sendable {
    public var name: String
    public var archive: ImageArchive
    /// `REGISTRY/NAMESPACE/<name>:<tag>`, the push's destination.
    public var reference: ImageReference
    /// From the image's config (`amd64` is Lambda's `x86_64`), never guessed.
    public var architecture: LambdaArchitecture

    public init(name: String, archive: ImageArchive, reference: ImageReference, architecture: LambdaArchitecture) {
        self.name = name
        self.archive = archive
        self.reference = reference
        self.architecture = architecture
    }

    /// `REGISTRY/REPOSITORY@sha256:<hex>`: what Lambda is given, so a later push to the tag does
    /// not change what the function runs.
    public var pinnedURI: String { reference.pinned(archive.manifestDigest) }

    /// The manifest digest's hex: what Lambda reports as an image function's `CodeSha256`.
    public var digestHex: String { String(archive.manifestDigest.dropFirst("sha256:".count)) }

    /// Bytes of the blobs named, for what a push uploaded.
    func bytes(ofBlobs digests: [String]) -> Int {
        Int(archive.pushable.blobs.filter { digests.contains($0.digest) }.map(\.size).reduce(0, +))
    }

    public func remove() { archive.remove() }
}

extension DeployArtifacts {
    /// Each function's image, read back from `<its directory>/image.tar`, all or nothing (the
    /// ones read so far are removed on an error). A function without one was built in another
    /// format; an extension is a layer, never an image.
    public static func prepareImages(
        _ artifacts: [DeployableArtifact], destination: PushDestination, tag: String?
    ) throws -> [DeployImage] {
        var images: [DeployImage] = []
        do {
            for artifact in artifacts {
                guard artifact.kind == .function else { throw DeployArtifactError.extensionAsImage(name: artifact.name) }
                let path = URL(fileURLWithPath: artifact.executable).deletingLastPathComponent().path + "/" + ZipPlan.imageName
                guard FileSystem.kind(of: path, followingSymlinks: true) == .file else {
                    throw DeployArtifactError.noImage(name: artifact.name, path: path)
                }
                let reference = try destination.reference(function: artifact.name, tag: tag)
                let archive = try ImageArchive.open(path)
                let architecture: LambdaArchitecture =
                    switch archive.image.configuration.architecture {
                    case .amd64: .x86_64
                    case .arm64: .arm64
                    }
                images.append(DeployImage(name: artifact.name, archive: archive, reference: reference, architecture: architecture))
            }
        } catch {
            images.forEach { $0.remove() }
            throw error
        }
        return images
    }
}
