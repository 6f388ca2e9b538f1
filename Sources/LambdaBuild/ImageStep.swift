import Archiver
import BuildPlanner
import Compilers
import ELFKit
import Foundation
import LambdaChecks
import LambdaSupport
import OCIImage

/// An image as `build` wrote it: what the summary prints and a push uploads.
public struct WrittenImage: Sendable, Equatable {
    /// `<lambda-dir>/<name>/image.tar`.
    public var path: String
    /// `name:tag`, as `podman load` names it.
    public var reference: String
    public var manifestDigest: String
    /// The layers and the config as a registry stores them, and what the layers unpack to.
    public var compressedSize: Int64
    public var uncompressedSize: Int64
    /// Where `--push` put it (`REGISTRY/NAMESPACE/name:tag@sha256:...`), nil before a push.
    public var pushed: String?
}

/// `--output-format image`: a staged function becomes `image.tar`, an OCI image of two layers.
/// The system layer is exactly the bootstrap's ELF closure (loader, C and C++ libraries, every
/// library they need) read from `root` as its loader would find them, the CA bundle and an empty
/// `/tmp`; the function layer is what the zip would hold, under `/var/task`. Functions with the
/// same closure get the same system layer, byte for byte, so a registry stores it once.
///
/// An image brings its own C library: its check is `ImageReadiness` (every need and symbol
/// version met inside the image, one architecture, 10 GB), made before any layer is written.
struct ImageStep: Sendable {
    /// Where the libraries come from: `/` for a host build, the Swift SDK's sysroot; the error
    /// that sysroot gave when it cannot be found (a static binary needs none).
    var root: Result<String, BuildRootError>
    var settings: ImageSettings
    var options: LayerOptions
    var currentDirectory: String
    var architecture: Architecture
    var caBundle = "/etc/ssl/certs/ca-certificates.crt"

    /// The Lambda base images' variables (aws-lambda-base-images, provided.al2023), with the
    /// directories the closure's libraries lie in added where the loader looks first.
    static func environment(libraryDirectories: [String]) -> [String] {
        let library = ["/var/lang/lib", "/lib64", "/usr/lib64"] + libraryDirectories.filter { !["/lib64", "/usr/lib64"].contains($0) }
            + ["/var/runtime", "/var/runtime/lib", "/var/task", "/var/task/lib", "/opt/lib"]
        return [
            "PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
            "LD_LIBRARY_PATH=" + library.joined(separator: ":"),
            "LAMBDA_TASK_ROOT=/var/task",
            "LAMBDA_RUNTIME_DIR=/var/runtime",
        ]
    }

    /// `name:tag`: OCI references are lower case.
    func reference(for product: String) -> String { "\(product.lowercased()):\(settings.tag)" }

    /// What an image of `artifact`, whose bootstrap is at `executablePath`, is made of: the
    /// system layer's entries, its check, and a fingerprint of everything that goes into it
    /// beyond the artifact's own inputs (each library of the closure and the CA bundle by
    /// stamp, the root, the tag, the layers' options), so an image whose fingerprint and
    /// artifact are as the last run's is not written again.
    struct Plan {
        var closure: ImageClosure
        var system: [LayerEntry]
        var report: ReadinessReport
        var fingerprint: String
    }

    func plan(_ artifact: PlannedArtifact, executablePath: String, unzippedBytes: Int64) throws -> Plan {
        let executable = try ELFFile(contentsOf: executablePath)
        let dynamic = executable.interpreter != nil || !executable.needed.isEmpty
        let rootPath = dynamic ? try root.get() : nil
        let closure =
            if let rootPath {
                try ImageClosure.resolve(
                    executable: executable, at: "/var/task/\(artifact.layout.executable)", root: rootPath, architecture: architecture)
            } else {
                ImageClosure.empty
            }
        let hasher = SHA256Hasher()
        func add(_ text: String) { hasher.update(text + "\n") }
        add("swift-lambda image v1 \(reference(for: artifact.product)) \(architecture) \(options) root \(rootPath ?? "none")")
        var system = closure.entries.map(Self.layerEntry)
        var systemBytes = closure.fileBytes
        for entry in closure.entries {
            switch entry.kind {
            case .file(let source): add("file \(entry.path) \(source) \(FileSystem.stamp(of: source) ?? "missing")")
            case .directory: add("directory \(entry.path)")
            case .symlink(let target): add("symlink \(entry.path) \(target)")
            }
        }
        if settings.caCertificates {
            guard FileSystem.kind(of: caBundle, followingSymlinks: true) == .file else {
                throw BuildError.caBundleMissing(path: caBundle)
            }
            system.append(.file(String(caBundle.dropFirst()), source: caBundle))
            systemBytes += (try? FileSystem.size(of: caBundle)) ?? 0
            add("ca \(caBundle) \(FileSystem.stamp(of: caBundle, followingSymlinks: true) ?? "missing")")
        }
        system.append(.directory("tmp", mode: 0o1777))
        let facts = ImageFacts(
            closure: closure, executablePath: "/var/task/\(artifact.layout.executable)", executable: executable,
            architecture: architecture, uncompressedBytes: systemBytes + unzippedBytes)
        return Plan(
            closure: closure, system: system, report: ImageReadiness.evaluate(facts, architecture: architecture),
            fingerprint: ContentKey.hex(hasher.finalize()))
    }

    /// Checks the image `staged` would make and, when it passes (or checks are skipped), stages
    /// `image.tar` with the artifact. Returns the report, and the image when one was staged.
    func stage(_ staged: inout StagedArtifact, skipChecks: Bool) throws
        -> (report: ReadinessReport, image: WrittenImage?, fingerprint: String)
    {
        let artifact = staged.artifact
        guard let destination = artifact.image else { throw BuildError.imageNotPlanned(product: artifact.product) }
        let plan = try plan(artifact, executablePath: staged.stagedExecutable, unzippedBytes: staged.unzippedBytes)
        guard plan.report.passed || skipChecks else { return (plan.report, nil, plan.fingerprint) }
        let contents = try ArtifactContents.resolve(
            artifact, executableSource: staged.stagedExecutable, currentDirectory: currentDirectory)
        let function = contents.zipEntries(for: artifact, layout: artifact.layout).map { LayerEntry($0, under: "var/task") }

        // The layers are written beside the image's staged name and removed once it holds them.
        let location = try staged.stageFile(destination)
        let scratch = location + ".layers"
        try FileSystem.prepareWritableDirectory(scratch)
        defer { try? FileSystem.removeItem(scratch) }
        let layers = [
            try LayerWriter.write(plan.system, to: "\(scratch)/system.tar.gz", options: options),
            try LayerWriter.write(function, to: "\(scratch)/function.tar.gz", options: options),
        ]
        let config = ContainerConfig(
            entrypoint: ["/var/task/\(artifact.layout.executable)"], workingDir: "/var/task",
            env: Self.environment(libraryDirectories: plan.closure.libraryDirectories))
        let summary = try OCIArchiveWriter.write(
            layers: layers, architecture: architecture == .x86_64 ? .amd64 : .arm64, config: config,
            reference: reference(for: artifact.product), to: location, options: options)
        let image = WrittenImage(
            path: destination, reference: summary.reference, manifestDigest: summary.manifestDigest.description,
            compressedSize: summary.compressedSize, uncompressedSize: summary.uncompressedSize)
        return (plan.report, image, plan.fingerprint)
    }

    static func layerEntry(_ entry: ImageEntry) -> LayerEntry {
        let path = String(entry.path.drop { $0 == "/" })
        switch entry.kind {
        case .file(let source):
            let executable = ((try? FileSystem.permissions(of: source)) ?? 0) & 0o111 != 0
            return .file(path, source: source, executable: executable)
        case .directory: return .directory(path)
        case .symlink(let target): return .symlink(path, target: target)
        }
    }
}

extension BuildWorkflow {
    /// The image step of a run whose plan has images; nil otherwise (`--push` alone is refused).
    func imageStep(
        for artifacts: [PlannedArtifact], backend: (any CompilerBackend)?, settings: BuildSettings, target: LambdaTarget
    ) throws -> ImageStep? {
        guard artifacts.contains(where: { $0.image != nil }), let backend else {
            if settings.image.push != nil { throw BuildError.imageFlagsWithoutImage(flags: ["--push"]) }
            return nil
        }
        // A static binary (the Static Linux SDK) loads nothing, so a root that cannot be found is no error for it.
        let root: Result<String, BuildRootError>
        do {
            root = .success(try GlibcCompatStep.libraryRoot(backend: backend, target: target, environment: context.environment) ?? "/")
        } catch {
            root = .failure(BuildRootError(description: "\(error)"))
        }
        return ImageStep(
            root: root, settings: settings.image, options: try LayerOptions.deterministic(environment: context.environment),
            currentDirectory: context.currentDirectory, architecture: target.architecture)
    }
}

/// Why the libraries' root of an image could not be found, kept until an image needs it.
struct BuildRootError: Error, Sendable, CustomStringConvertible {
    var description: String
}
