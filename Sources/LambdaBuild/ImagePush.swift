import AWSClient
import Foundation
import LambdaConfig
import LambdaSupport
import OCIImage
import OCIRegistry

extension BuildWorkflow {
    /// `--push`: each written image to `REGISTRY/NAMESPACE/<name>:<tag>`, blobs the registry has
    /// skipped, read back from the committed image.tar (so what is pushed is what was written).
    /// For an Amazon ECR registry the login is ECR's token, through deploy's AWS client (region,
    /// profile and endpoint as deploy resolves them: flags are deploy's, so here the file's and
    /// the AWS SDKs' own variables).
    func push(_ written: [WrittenArtifact], settings: BuildSettings, configuration: Configuration) async throws -> [WrittenArtifact] {
        guard let push = settings.image.push else { return written }
        let destination = try PushDestination.parse(push)
        let environment = context.environment
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let profile = configuration.value(of: .profile)?.value.string
        let endpoint = configuration.value(of: .endpointURL)?.value.string
        let login = RegistryLogin(
            dockerConfig: try DockerConfig.load(environment: environment, home: home),
            awsClient: { region in
                try await AWSClient.resolve(region: region, profile: profile, endpointURL: endpoint, environment: environment, home: home)
            })
        let console = context.console
        let client = RegistryClient(
            login: login, insecureRegistry: settings.image.insecureRegistry,
            trace: input.verbose ? { @Sendable line in console.progress("  registry: " + line) } : nil)
        var result = written
        for index in result.indices {
            guard let image = result[index].image else { continue }
            let reference = try destination.reference(function: result[index].product, tag: settings.image.tag)
            let scratch = FileSystem.stagingPath(for: image.path) + ".push"
            defer { try? FileSystem.removeItem(scratch) }
            let read = try OCIArchiveReader.read(archive: image.path, unpackingInto: scratch)
            let blobs = [read.manifest.config] + read.manifest.layers
            let pushable = PushableImage(
                manifest: .init(bytes: Data(read.manifestBytes), mediaType: read.manifestDescriptor.mediaType),
                blobs: blobs.map { .init(digest: $0.digest.description, size: $0.size, source: .file(read.blobPath($0.digest))) })
            context.console.progress("Pushing \(result[index].product) to \(reference)")
            let report = try await client.push(pushable, to: reference)
            context.console.progress(
                "Pushed \(report.pinnedReference) (\(report.uploaded.count) of \(report.uploaded.count + report.alreadyPresent.count) blobs uploaded, \(report.bytesSent) bytes)")
            result[index].image?.pushed = report.pinnedReference
        }
        return result
    }
}
