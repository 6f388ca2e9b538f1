import AWSClient
import Foundation
public import LambdaConfig
import LambdaSupport
public import OCIImage
public import OCIRegistry

extension BuildWorkflow {
    /// `--push`: each written image to `REGISTRY/NAMESPACE/<name>:<tag>`, blobs the registry has
    /// skipped, read back from the committed image.tar (so what is pushed is what was written).
    func push(_ written: [WrittenArtifact], settings: BuildSettings, configuration: Configuration) async throws -> [WrittenArtifact] {
        guard let push = settings.image.push else { return written }
        let destination = try PushDestination.parse(push)
        let pusher = try ImagePusher(
            configuration: configuration, environment: context.environment, insecureRegistry: settings.image.insecureRegistry,
            console: context.console, verbose: input.verbose)
        var result = written
        for index in result.indices {
            guard let image = result[index].image else { continue }
            let reference = try destination.reference(function: result[index].product, tag: settings.image.tag)
            let archive = try ImageArchive.open(image.path)
            defer { archive.remove() }
            let report = try await pusher.push(archive, of: result[index].product, to: reference)
            result[index].image?.pushed = report.pinnedReference
        }
        return result
    }
}

/// One committed image.tar read back and verified, its blobs unpacked under a staging name
/// beside it until `remove()`: what a push sends, and what deploy decides from (the manifest's
/// digest, the architecture of the config) before anything is sent.
public struct ImageArchive: Sendable {
    public var path: String
    public var image: ReadImage
    let scratch: String

    public static func open(_ path: String) throws -> ImageArchive {
        let scratch = FileSystem.stagingPath(for: path) + ".push"
        do {
            return ImageArchive(path: path, image: try OCIArchiveReader.read(archive: path, unpackingInto: scratch), scratch: scratch)
        } catch {
            try? FileSystem.removeItem(scratch)
            throw error
        }
    }

    public func remove() { try? FileSystem.removeItem(scratch) }

    /// The manifest's exact bytes and every blob it names, each read from its unpacked file.
    public var pushable: PushableImage {
        let blobs = [image.manifest.config] + image.manifest.layers
        return PushableImage(
            manifest: .init(bytes: Data(image.manifestBytes), mediaType: image.manifestDescriptor.mediaType),
            blobs: blobs.map { .init(digest: $0.digest.description, size: $0.size, source: .file(image.blobPath($0.digest))) })
    }

    /// `sha256:<hex>` of the manifest as written: the digest the registry confirms after a push
    /// (the bytes are sent as they are), so known before one.
    public var manifestDigest: String { pushable.manifest.digest }
}

/// The push half of `--push`, for build (every written image) and deploy (each image function):
/// one registry client and one login for the run. For an Amazon ECR registry the login is ECR's
/// token, through deploy's AWS client (region, profile and endpoint as deploy resolves them; in a
/// build, whose flags are not deploy's, the file's and the AWS SDKs' own variables).
public struct ImagePusher: Sendable {
    public var client: RegistryClient
    var console: any Console

    public init(
        configuration: Configuration, environment: [String: String], insecureRegistry: Bool, console: any Console, verbose: Bool
    ) throws {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let profile = configuration.value(of: .profile)?.value.string
        let endpoint = configuration.value(of: .endpointURL)?.value.string
        let login = RegistryLogin(
            dockerConfig: try DockerConfig.load(environment: environment, home: home),
            awsClient: { region in
                try await AWSClient.resolve(region: region, profile: profile, endpointURL: endpoint, environment: environment, home: home)
            })
        self.console = console
        self.client = RegistryClient(
            login: login, insecureRegistry: insecureRegistry,
            trace: verbose ? { @Sendable line in console.progress("  registry: " + line) } : nil)
    }

    /// Pushes `archive` (the image of `product`) to `reference`, blobs the registry has skipped,
    /// with a line before and one after.
    public func push(_ archive: ImageArchive, of product: String, to reference: ImageReference) async throws -> PushReport {
        console.progress("Pushing \(product) to \(reference)")
        let report = try await client.push(archive.pushable, to: reference)
        console.progress(
            "Pushed \(report.pinnedReference) (\(report.uploaded.count) of \(report.uploaded.count + report.alreadyPresent.count) blobs uploaded, \(report.bytesSent) bytes)"
        )
        return report
    }
}
