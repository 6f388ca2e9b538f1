import Archiver
import BuildPlanner
import Compilers
import ELFKit
import Foundation
import LambdaChecks
import LambdaSupport

/// The steps of a build after planning: libraries, staging, checks, commit.
extension BuildWorkflow {
    /// `--bundle-libs`: resolves, for each built binary, the libraries the
    /// runtime lacks and adds them to the artifact's `lib/`.
    func bundleLibraries(
        into artifacts: inout [PlannedArtifact], target: LambdaTarget, profile: RuntimeProfile
    ) throws -> [String: LibraryBundle] {
        let search = LibrarySearch.host(for: target.architecture, environment: context.environment)
        var bundles: [String: LibraryBundle] = [:]
        for index in artifacts.indices {
            let artifact = artifacts[index]
            let bundle = try LibraryBundle.resolve(
                executable: try ELFFile(contentsOf: artifact.sourceBinary), at: artifact.sourceBinary,
                profile: profile, search: search)
            artifacts[index].libraries = bundle.entries
            bundles[artifact.product] = bundle
            for library in bundle.libraries where input.verbose {
                context.console.progress(
                    "Bundling for \(artifact.product): \(ArtifactLayout.libraryDirectory)/\(library.fileName) <- \(library.source) (\(library.soname), needed by \(library.neededBy))")
            }
        }
        return bundles
    }

    func queryBinPath(_ backend: any CompilerBackend, _ request: BuildRequest) async throws -> String {
        let invocation = backend.binPathInvocation(for: request)
        let cache = CommandCache(packageRoot: request.packagePath)
        let key = CommandCache.key(["bin path v1", invocation.commandLine, invocation.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value ?? "-")" }.joined(separator: " "), FileSystem.stamp(of: invocation.executable, followingSymlinks: true) ?? ""])
        if let cached = cache.output(for: key) {
            return try backend.hostBinPath(fromOutput: String(decoding: cached, as: UTF8.self), request: request)
        }
        let output = try await run(capturing: invocation)
        let path = try backend.hostBinPath(fromOutput: output.standardOutputText, request: request)
        // A dry run writes nothing, caches included.
        if !input.dryRun { cache.store(output.standardOutput, for: key) }
        return path
    }

    func describe(_ packageRoot: String, toolchain: Toolchain) async throws -> PackageDescription {
        let invocation = Invocation(
            executable: toolchain.swift, arguments: ["package", "--package-path", packageRoot, "describe", "--type", "json"])
        let cache = CommandCache(packageRoot: packageRoot)
        let key = CommandCache.describeKey(root: packageRoot, swift: toolchain.swift)
        if let cached = cache.output(for: key), let package = try? PackageDescription.decode(fromDescribeOutput: cached) {
            return package
        }
        let output: CapturedOutput
        do {
            output = try await run(capturing: invocation)
        } catch ProcessError.failed(_, _, _, let diagnostics) {
            throw BuildError.manifestFailed(path: packageRoot, diagnostics: diagnostics)
        }
        do {
            let package = try PackageDescription.decode(fromDescribeOutput: output.standardOutput)
            if !input.dryRun { cache.store(output.standardOutput, for: key) }
            return package
        } catch {
            throw BuildError.describeUnreadable(path: packageRoot, reason: "\(error)")
        }
    }

    /// Stages every artifact (in parallel: stripping and compressing are the
    /// slow parts), then commits them all; a failure commits nothing.
    func write(
        _ artifacts: [PlannedArtifact], root: String, lambdaDirectory: String, toolchain: Toolchain, zipOptions: ZipOptions,
        readiness: Readiness, images: ImageStep? = nil
    ) async throws -> (written: [WrittenArtifact], rejected: [WrittenArtifact], failedChecks: [String]) {
        // What killed runs staged here goes first, even when every artifact is up to date.
        Staging.sweepOnce(lambdaDirectory)
        for artifact in artifacts {
            Staging.sweepOnce(FileSystem.parent(of: artifact.ownsRoot ? artifact.root : artifact.executable))
        }
        var state = UpToDate(root: root, lambdaDirectory: lambdaDirectory)
        // Taken before staging: the inputs' stamps are what this run builds from.
        let fingerprints = Dictionary(uniqueKeysWithValues: artifacts.map {
            ($0.product, UpToDate.fingerprint($0, zipOptions: zipOptions, compilerArguments: input.passThrough.compilerArguments))
        })
        // An artifact whose inputs did not change since the last run is taken as it is on disk;
        // an image also needs what its system layer holds unchanged (`ImageStep.Plan`), and is
        // checked again from that plan, as other artifacts are checked where they lie.
        var imageReports: [String: ReadinessReport] = [:]
        var writtenImages: [String: WrittenImage] = [:]
        var imageFingerprints: [String: String] = [:]
        var staged: [StagedArtifact] = artifacts.compactMap { artifact in
            guard let record = state.current(artifact, fingerprint: fingerprints[artifact.product] ?? "") else { return nil }
            let item = StagedArtifact(upToDate: artifact, record: record)
            guard let path = artifact.image else { return item }
            guard let images, let written = record.image,
                let plan = try? images.plan(artifact, executablePath: artifact.executable, unzippedBytes: record.unzippedBytes),
                plan.fingerprint == written.fingerprint
            else { return nil }
            imageReports[artifact.product] = plan.report
            imageFingerprints[artifact.product] = plan.fingerprint
            writtenImages[artifact.product] = written.written(at: path)
            return item
        }
        let unchanged = Set(staged.map(\.artifact.product))
        if input.verbose, !unchanged.isEmpty {
            context.console.progress("Up to date, not rewritten: \(unchanged.sorted().joined(separator: ", "))")
        }
        let skipChecks = readiness.skipChecks
        do {
            try await withThrowingTaskGroup(of: (StagedArtifact, ReadinessReport?, WrittenImage?, String?).self) { group in
                for artifact in artifacts where !unchanged.contains(artifact.product) {
                    group.addTask {
                        var item = try await stage(artifact, toolchain: toolchain, zipOptions: zipOptions)
                        guard artifact.image != nil, let images else { return (item, nil, nil, nil) }
                        do {
                            let (report, image, fingerprint) = try images.stage(&item, skipChecks: skipChecks)
                            return (item, report, image, fingerprint)
                        } catch {
                            item.discard()
                            throw error
                        }
                    }
                }
                var done = 0
                let total = artifacts.count - unchanged.count
                for try await (artifact, report, image, fingerprint) in group {
                    imageReports[artifact.artifact.product] = report
                    writtenImages[artifact.artifact.product] = image
                    imageFingerprints[artifact.artifact.product] = fingerprint
                    staged.append(artifact)
                    done += 1
                    context.console.status("Packaging \(done)/\(total): \(artifact.artifact.product)")
                }
                context.console.status(nil)
            }
        } catch {
            context.console.status(nil)
            staged.forEach { $0.discard() }
            throw error
        }
        staged.sort { $0.artifact.product < $1.artifact.product }
        // Every artifact is checked before it is written; a failing one is not written.
        let reports: [String: ReadinessReport]
        let executables: [String: ELFFile]
        do {
            (reports, executables) = try readiness.evaluate(staged, images: imageReports)
        } catch {
            staged.forEach { $0.discard() }
            throw error
        }
        let failed = await readiness.report(reports)
        var rejected: [WrittenArtifact] = []
        if !failed.isEmpty && !readiness.skipChecks {
            // Described as they were staged (where they would have gone), so --message-format json can say why.
            rejected = staged.filter { failed.contains($0.artifact.product) }.map { item in
                WrittenArtifact(
                    product: item.artifact.product, kind: item.artifact.kind,
                    architecture: executables[item.artifact.product]?.header.machine.description ?? "unknown",
                    size: (try? FileSystem.size(of: item.stagedExecutable)) ?? 0, path: item.artifact.executable, zip: nil,
                    readiness: reports[item.artifact.product],
                    bundledLibraries: readiness.bundles[item.artifact.product]?.libraries.map(\.soname) ?? [])
            }
            staged.filter { failed.contains($0.artifact.product) }.forEach { $0.discard() }
            staged.removeAll { failed.contains($0.artifact.product) }
        }
        for (index, artifact) in staged.enumerated() {
            do {
                try artifact.commit()
            } catch {
                staged[(index + 1)...].forEach { $0.discard() }
                throw error
            }
        }
        for item in staged where !unchanged.contains(item.artifact.product) {
            let product = item.artifact.product
            let image = writtenImages[product].flatMap { written in
                imageFingerprints[product].map { UpToDate.ImageRecord(written, fingerprint: $0) }
            }
            // An image artifact without a staged image is not recorded, so the next run makes it.
            if item.artifact.image != nil, image == nil { continue }
            state.record(item.artifact, fingerprint: fingerprints[product] ?? "", zip: item.zip, unzippedBytes: item.unzippedBytes, image: image)
        }
        state.save()
        // The committed executable is the staged one renamed: its ELF data read for the checks serves here.
        let committed = try staged.map { item in
            let executable = item.artifact.executable
            let file = executables[item.artifact.product]
            return WrittenArtifact(
                product: item.artifact.product, kind: item.artifact.kind,
                architecture: file?.header.machine.description ?? "unknown",
                size: try FileSystem.size(of: executable), path: executable, zip: item.zip,
                readiness: reports[item.artifact.product],
                bundledLibraries: readiness.bundles[item.artifact.product]?.libraries.map(\.soname) ?? [],
                compat: file.flatMap { readiness.compat?.inspect($0, sourceBinary: item.artifact.sourceBinary) },
                image: writtenImages[item.artifact.product])
        }
        return (committed, rejected, readiness.skipChecks ? [] : failed)
    }

    func stage(_ artifact: PlannedArtifact, toolchain: Toolchain, zipOptions: ZipOptions) async throws -> StagedArtifact {
        let strip = artifact.stripsSymbols ? toolchain : nil
        return try await ArtifactWriter.stage(
            artifact, currentDirectory: context.currentDirectory, zipOptions: zipOptions
        ) { destination in
            if let strip {
                _ = try await run(capturing: try strip.stripInvocation(input: artifact.sourceBinary, output: destination))
            } else {
                try FileSystem.copyFile(from: artifact.sourceBinary, to: destination, mode: 0o755)
            }
        }
    }

    func run(capturing invocation: Invocation) async throws -> CapturedOutput {
        if input.verbose { context.console.progress("$ \(invocation.commandLine)") }
        return try await context.runner.capture(invocation)
    }
}

extension StagedArtifact {
    /// An artifact already on disk as the last run wrote it: nothing to
    /// commit, checked where it lies.
    init(upToDate artifact: PlannedArtifact, record: UpToDate.Record) {
        self.init(artifact: artifact, zip: nil)
        stagedExecutable = artifact.executable
        unzippedBytes = record.unzippedBytes
        if let path = artifact.zip?.path, let size = record.zipSize,
            let digest = record.zipSHA256.flatMap({ Data(base64Encoded: $0) })
        {
            zip = ZipSummary(path: path, size: size, sha256: [UInt8](digest))
        }
    }
}
