public import Archiver
public import BuildPlanner
import Compilers
import ELFKit
import Foundation
public import GlibcCompat
public import LambdaChecks
import LambdaSupport

/// One artifact as written, for the summary.
public struct WrittenArtifact: Sendable, Equatable {
    public var product: String
    public var kind: ArtifactKind
    public var architecture: String
    public var size: Int64
    public var path: String
    public var zip: ZipSummary?
    public var readiness: ReadinessReport?
    /// What glibc compatibility did to it, when it was on.
    public var compat: ArtifactCompat?
}

/// What a run did.
public struct BuildReport: Sendable, Equatable {
    public var plan: BuildPlan
    public var artifacts: [WrittenArtifact]
}

/// `swift-lambda build`: describe the package, plan, compile, write the
/// artifacts, summarise. Each step's decisions live in the library that
/// owns them; this type only sequences them and reports.
public struct BuildWorkflow: Sendable {
    public var settings: BuildSettings
    public var context: BuildContext

    public init(settings: BuildSettings, context: BuildContext) {
        self.settings = settings
        self.context = context
    }

    @discardableResult
    public func run() async throws -> BuildReport {
        let clock = ContinuousClock()
        let started = clock.now
        let toolchain = try Toolchain.locate(environment: context.environment)
        let target = try LambdaTarget.resolve(
            arm64: settings.arm64, x86_64: settings.x86_64, triple: settings.targetTriple, host: context.host)
        let packageRoot = try locatePackage()
        let package = try await describe(packageRoot, toolchain: toolchain)

        let configuration: BuildConfiguration = settings.release ? .release : .debug
        let options = PlanOptions(
            products: settings.products,
            flatten: settings.flatten,
            configuration: configuration,
            lambdaDirectory: settings.lambdaDirectory.map {
                FileSystem.absolute($0, relativeTo: context.currentDirectory)
            } ?? "\(packageRoot)/target/lambda",
            kind: settings.isExtension ? .extension(internal: settings.isInternal) : .function,
            outputFormat: settings.outputFormat,
            includes: try settings.includes.map { argument in
                try IncludeSpec.parse(argument) { FileSystem.absolute($0, relativeTo: context.currentDirectory) }
            },
            optimizations: !settings.disableOptimizations
        )
        let zipOptions = try ZipOptions.deterministic(environment: context.environment)
        let profile = try RuntimeProfile.named(settings.runtime)
        // Checked against the package before anything is compiled.
        _ = try Planner.plan(package: package, options: options, binPath: "")

        var request = BuildRequest(
            packagePath: packageRoot, configuration: configuration, target: target,
            optimizations: !settings.disableOptimizations)
        let selector = BackendSelector(
            toolchain: toolchain, host: context.host, environment: context.environment, runner: context.runner)
        // A dry run shows what would run even where the backend could not run now.
        let backend = try await selector.select(settings.compiler, for: request, preflight: !settings.dryRun)
        if settings.verbose { context.console.progress("Compiler: \(backend.name.rawValue), target \(target)") }
        var compat = try await GlibcCompatStep.prepare(
            requested: settings.glibcCompat, backend: backend, target: target, profile: profile, toolchain: toolchain,
            packageRoot: packageRoot, context: context, verbose: settings.verbose, dryRun: settings.dryRun)
        request.extraArguments = compat?.swiftBuildArguments ?? []

        if settings.dryRun {
            let binPath = (try? await queryBinPath(backend, request)) ?? "<bin path: swift build --show-bin-path>"
            let plan = try Planner.plan(package: package, options: options, binPath: binPath)
            let builds = plan.builds.map { backend.buildInvocation(for: request.building($0.product)) }
            PlanRenderer(context: context).render(plan, builds: builds, backend: backend.name, target: target)
                .forEach(context.console.result)
            return BuildReport(plan: plan, artifacts: [])
        }

        do {
            try FileSystem.prepareWritableDirectory(options.lambdaDirectory)
        } catch let failure as FileSystemError {
            throw BuildError.lambdaDirectoryUnusable(failure)
        }
        let plan = try Planner.plan(package: package, options: options, binPath: try await queryBinPath(backend, request))

        for build in plan.builds.map({ backend.buildInvocation(for: request.building($0.product)) }) {
            context.console.progress("Building \(plan.packageName) (\(configuration.rawValue), \(target), \(backend.name.rawValue)): \(build.commandLine)")
            do {
                try await context.runner.stream(build, to: .standardError)
            } catch let failure as ProcessError {
                throw BuildError.compilerFailed(failure)
            }
        }
        // Wrong-architecture zips fail silently on Lambda ("exec format error"): stop here instead.
        for artifact in plan.artifacts {
            try ArchitectureCheck.verify(artifact.sourceBinary, product: artifact.product, target: target)
        }
        try await compat?.relinkStaticWhereNeeded(plan.artifacts, backend: backend, request: request, context: context)

        let readiness = Readiness(
            context: context, profile: profile, target: target, skipChecks: settings.skipChecks, toolchain: toolchain,
            compat: compat)
        let (written, failed) = try await write(plan.artifacts, toolchain: toolchain, zipOptions: zipOptions, readiness: readiness)
        let elapsed = clock.now - started
        SummaryRenderer(context: context).render(written, configuration: configuration, elapsed: elapsed)
            .forEach(context.console.result)
        if !failed.isEmpty { throw BuildError.checksFailed(products: failed, runtime: profile.name) }
        return BuildReport(plan: plan, artifacts: written)
    }

    func queryBinPath(_ backend: any CompilerBackend, _ request: BuildRequest) async throws -> String {
        let output = try await run(capturing: backend.binPathInvocation(for: request))
        return try backend.hostBinPath(fromOutput: output.standardOutputText, request: request)
    }

    /// The absolute package root, which must hold a Package.swift.
    func locatePackage() throws -> String {
        let root = FileSystem.absolute(settings.packagePath ?? ".", relativeTo: context.currentDirectory)
        guard FileSystem.isDirectory(root), FileSystem.exists("\(root)/Package.swift") else {
            throw BuildError.notAPackage(path: root)
        }
        return root
    }

    func describe(_ packageRoot: String, toolchain: Toolchain) async throws -> PackageDescription {
        let invocation = Invocation(
            executable: toolchain.swift, arguments: ["package", "--package-path", packageRoot, "describe", "--type", "json"])
        let output: CapturedOutput
        do {
            output = try await run(capturing: invocation)
        } catch ProcessError.failed(_, _, _, let diagnostics) {
            throw BuildError.manifestFailed(path: packageRoot, diagnostics: diagnostics)
        }
        do {
            return try PackageDescription.decode(fromDescribeOutput: output.standardOutput)
        } catch {
            throw BuildError.describeUnreadable(path: packageRoot, reason: "\(error)")
        }
    }

    /// Stages every artifact (in parallel: stripping and compressing are the
    /// slow parts), then commits them all; a failure commits nothing.
    func write(
        _ artifacts: [PlannedArtifact], toolchain: Toolchain, zipOptions: ZipOptions, readiness: Readiness
    ) async throws -> (written: [WrittenArtifact], failedChecks: [String]) {
        var staged: [StagedArtifact] = []
        do {
            try await withThrowingTaskGroup(of: StagedArtifact.self) { group in
                for artifact in artifacts {
                    group.addTask { try await stage(artifact, toolchain: toolchain, zipOptions: zipOptions) }
                }
                for try await artifact in group { staged.append(artifact) }
            }
        } catch {
            staged.forEach { $0.discard() }
            throw error
        }
        staged.sort { $0.artifact.product < $1.artifact.product }
        // Every artifact is checked before it is written; a failing one is not written.
        let reports: [String: ReadinessReport]
        do {
            reports = try readiness.evaluate(staged)
        } catch {
            staged.forEach { $0.discard() }
            throw error
        }
        let failed = await readiness.report(reports)
        if !failed.isEmpty && !readiness.skipChecks {
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
        let committed = try staged.map { item in
            let executable = item.artifact.executable
            return WrittenArtifact(
                product: item.artifact.product, kind: item.artifact.kind,
                architecture: (try? ELFHeader(contentsOf: executable).machine.description) ?? "unknown",
                size: try FileSystem.size(of: executable), path: executable, zip: item.zip,
                readiness: reports[item.artifact.product],
                compat: readiness.compat?.inspect(executable: executable, sourceBinary: item.artifact.sourceBinary))
        }
        return (committed, readiness.skipChecks ? [] : failed)
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

    private func run(capturing invocation: Invocation) async throws -> CapturedOutput {
        if settings.verbose { context.console.progress("$ \(invocation.commandLine)") }
        return try await context.runner.capture(invocation)
    }
}
