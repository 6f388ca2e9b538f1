public import Archiver
public import BuildPlanner
import Compilers
import ELFKit
import Foundation
public import GlibcCompat
public import LambdaChecks
import LambdaConfig
import LambdaSupport
import OCIRegistry

/// One artifact as written, for the summary.
public struct WrittenArtifact: Sendable, Equatable {
    public var product: String
    public var kind: ArtifactKind
    public var architecture: String
    public var size: Int64
    public var path: String
    public var zip: ZipSummary?
    public var readiness: ReadinessReport?
    /// The sonames shipped in `lib/` (`--bundle-libs`), in the order they were found.
    public var bundledLibraries: [String] = []
    /// What glibc compatibility did to it, when it was on.
    public var compat: ArtifactCompat?
    /// `--output-format image`: the image written beside it.
    public var image: WrittenImage?
}

/// What a run did.
public struct BuildReport: Sendable, Equatable {
    public var plans: [BuildPlan]
    public var artifacts: [WrittenArtifact]
}

/// `swift-lambda build`: resolve the settings, describe each package, plan,
/// compile the packages one after another, write every artifact of the run
/// together, summarise. Each step's decisions live in the library that owns
/// them; this type only sequences them and reports.
public struct BuildWorkflow: Sendable {
    public var input: BuildInput
    public var context: BuildContext

    public init(input: BuildInput, context: BuildContext) {
        self.input = input
        self.context = context
        if input.quiet { self.context.console = QuietConsole(context.console) }
    }

    /// With `--message-format json`, a run that stops with an error ends with a
    /// `build-finished` record saying so (the `error:` line still goes to standard error).
    @discardableResult
    public func run() async throws -> BuildReport {
        do {
            return try await build()
        } catch BuildError.checksFailed(let products, let runtime) {
            // Its build-finished record, with the artifacts' findings, is already printed.
            throw BuildError.checksFailed(products: products, runtime: runtime)
        } catch {
            if input.messageFormat == .json { context.console.result(JSONMessages.failed(error)) }
            throw error
        }
    }

    func build() async throws -> BuildReport {
        let clock = ContinuousClock()
        let started = clock.now
        let (workspace, settings, toolchain, target) = try resolve()
        let configuration = workspace.configuration
        let profile = try RuntimeProfile.named(settings.runtime)
        // A malformed --push is refused before anything is compiled.
        if let push = settings.image.push { _ = try PushDestination.parse(push) }
        let zipOptions = try ZipOptions.deterministic(environment: context.environment)
        let progress = Progress(console: context.console, clock: clock)

        var packages: [PackageDescription] = []
        for member in workspace.members {
            packages.append(try await progress.step("Reading \(context.displayPath(member))", quiet: !workspace.isWorkspace) {
                try await describe(member, toolchain: toolchain)
            })
        }
        let selection = try Selection(
            packages: packages, roots: workspace.members, products: settings.products, flatten: settings.flatten,
            configuration: configuration)
        if input.printConfig {
            var memberOf: [String: String] = [:]
            for (package, root) in zip(packages, workspace.members) {
                for product in package.executableProducts { memberOf[product.name] = root }
            }
            let renderer = ConfigRenderer(context: context)
            let products = selection.all.map(\.name)
            switch input.messageFormat {
            case .human: renderer.render(configuration, products: products, memberOf: memberOf).forEach(context.console.result)
            case .json: context.console.result(renderer.json(configuration, products: products, memberOf: memberOf))
            }
            return BuildReport(plans: [], artifacts: [])
        }

        let lambdaDirectory = self.lambdaDirectory(settings, workspace)
        var members = try planMembers(
            workspace, packages: packages, selection: selection, lambdaDirectory: lambdaDirectory, target: target)
        if let revision = input.affectedSince {
            let affected = try await AffectedFunctions.names(
                since: revision, listing: try await listing(of: members, workspace: workspace, toolchain: toolchain), workspace: workspace,
                context: context)
            guard !affected.isEmpty else {
                context.console.progress("No function is affected by the changes since \(revision); nothing to build")
                return BuildReport(plans: [], artifacts: [])
            }
            context.console.progress("Affected by the changes since \(revision): \(affected.joined(separator: ", "))")
            let narrowed = try Selection(
                packages: packages, roots: workspace.members, products: affected, flatten: settings.flatten,
                configuration: configuration)
            members = try planMembers(
                workspace, packages: packages, selection: narrowed, lambdaDirectory: lambdaDirectory, target: target, warns: false)
        }
        // Members may differ (a member's file says release); the summary names each configuration used.
        let configurationName = Set(members.map(\.request.configuration)).sorted { $0.rawValue < $1.rawValue }
            .map(\.rawValue).joined(separator: ", ")

        let selector = BackendSelector(
            toolchain: toolchain, host: context.host, environment: context.environment, runner: context.runner)
        // A dry run shows what would run even where the backend could not run now.
        for index in members.indices {
            members[index].backend = try await selector.select(settings.compiler, for: members[index].request, preflight: !settings.dryRun && index == 0)
        }
        if let backend = members.first?.backend {
            IneffectiveFlags.warnings(
                flags: input.flags, compiler: backend.name, release: members.contains { $0.request.configuration == .release })
                .forEach { context.console.progress("warning: \($0)") }
            if input.verbose { context.console.progress("Compiler: \(backend.name.rawValue), target \(target)") }
            if settings.bundleLibs, backend.name == .docker { throw BuildError.bundleLibsUnsupported(compiler: backend.name.rawValue) }
        }
        // Glibc compatibility changes how each member links: its shim lives in the member's .build.
        for index in members.indices {
            guard let backend = members[index].backend else { continue }
            // An image brings its own C library: compatibility with a runtime's is asked for only explicitly.
            members[index].compat = try await GlibcCompatStep.prepare(
                requested: settings.outputFormat == .image ? (settings.glibcCompat ?? false) : settings.glibcCompat, backend: backend, target: target, profile: profile, toolchain: toolchain,
                packageRoot: members[index].package.path, context: context, verbose: input.verbose && index == 0,
                dryRun: settings.dryRun, sharing: members[..<index].lazy.compactMap(\.compat).last)
            members[index].request.extraArguments = input.passThrough.compilerArguments + (members[index].compat?.swiftBuildArguments ?? [])
        }

        if settings.dryRun {
            var plans: [BuildPlan] = []
            for member in members {
                guard let backend = member.backend else { continue }
                let binPath = (try? await queryBinPath(backend, member.request)) ?? "<bin path: swift build --show-bin-path>"
                let plan = try Planner.plan(package: member.package, options: member.options, binPath: binPath)
                let builds = plan.builds.map { backend.buildInvocation(for: member.request.building($0.product)) }
                switch input.messageFormat {
                case .human:
                    PlanRenderer(context: context)
                        .render(plan, builds: builds, backend: backend.name, target: target, bundleLibs: settings.bundleLibs ? profile.name : nil)
                        .forEach(context.console.result)
                case .json:
                    context.console.result(JSONMessages.plan(plan, builds: builds, backend: backend.name, target: target))
                }
                plans.append(plan)
            }
            return BuildReport(plans: plans, artifacts: [])
        }

        // One run of a package at a time from here to the commit, as SwiftPM serialises its builds:
        // two would compile once (SwiftPM's lock) but both package everything.
        let lock = try await FileLock.acquire(at: "\(workspace.root)/.build/swift-lambda/lock") { holder in
            context.console.progress("waiting for another swift-lambda" + (holder.map { " (pid \($0))" } ?? ""))
        }
        defer { lock.release() }
        do {
            try FileSystem.prepareWritableDirectory(lambdaDirectory)
        } catch let failure as FileSystemError {
            throw BuildError.lambdaDirectoryUnusable(failure)
        }
        var plans: [BuildPlan] = []
        for (index, member) in members.enumerated() {
            guard let backend = member.backend else { continue }
            let plan = try Planner.plan(
                package: member.package, options: member.options, binPath: try await queryBinPath(backend, member.request))
            if backend.name == .docker, plan.artifacts.contains(where: { $0.image != nil }) {
                throw BuildError.imageUnsupported(compiler: backend.name.rawValue)
            }
            let position = members.count > 1 ? "[\(index + 1)/\(members.count)] " : ""
            for build in plan.builds.map({ backend.buildInvocation(for: member.request.building($0.product)) }) {
                try await progress.step(
                    "\(position)Building \(plan.packageName) (\(member.request.configuration.rawValue), \(target), \(backend.name.rawValue))"
                        + (input.verbose ? ": \(build.commandLine)" : ""),
                    done: "\(position)Built \(plan.packageName)"
                ) {
                    do {
                        try await context.runner.stream(build, to: .standardError)
                    } catch let failure as ProcessError {
                        throw BuildError.classifyingDiskFull(BuildError.compilerFailed(failure), writing: "\(member.package.path)/.build")
                    }
                }
            }
            // Wrong-architecture zips fail silently on Lambda ("exec format error"): stop here instead.
            for artifact in plan.artifacts {
                try ArchitectureCheck.verify(artifact.sourceBinary, product: artifact.product, target: target)
            }
            try await members[index].compat?.relinkStaticWhereNeeded(
                plan.artifacts, backend: backend, request: member.request, context: context)
            plans.append(plan)
        }

        var artifacts = plans.flatMap(\.artifacts).sorted { $0.product < $1.product }
        var readiness = Readiness(
            context: context, profile: profile, target: target, skipChecks: settings.skipChecks, toolchain: toolchain)
        // One compat plan serves every member (same host, target and runtime); their static relinks are pooled.
        if var compat = members.first(where: { $0.compat != nil })?.compat {
            compat.staticBinaries = Set(members.flatMap { $0.compat?.staticBinaries ?? [] })
            readiness.compat = compat
        }
        if settings.bundleLibs {
            readiness.bundles = try bundleLibraries(into: &artifacts, target: target, profile: profile)
        }
        let images = try imageStep(for: artifacts, backend: members.first?.backend, settings: settings, target: target)
        let (written, rejected, failed) = try await progress.step("Packaging \(artifacts.count) \(artifacts.count == 1 ? "artifact" : "artifacts")", done: "Packaged") {
            do {
                return try await write(
                    artifacts, root: workspace.root, lambdaDirectory: lambdaDirectory, toolchain: toolchain, zipOptions: zipOptions,
                    readiness: readiness, images: images)
            } catch {
                throw BuildError.classifyingDiskFull(error, writing: lambdaDirectory)
            }
        }
        // Pushed after the commit: a registry that refuses leaves the written images in place.
        let pushed = failed.isEmpty ? try await push(written, settings: settings, configuration: configuration) : written
        let elapsed = clock.now - started
        switch input.messageFormat {
        case .human:
            SummaryRenderer(context: context).render(pushed, configuration: configurationName, elapsed: elapsed)
                .forEach(context.console.result)
        case .json:
            JSONMessages.lines(
                pushed, rejected: rejected, target: target, configuration: configurationName, elapsed: elapsed, failed: failed)
                .forEach(context.console.result)
        }
        if !failed.isEmpty { throw BuildError.checksFailed(products: failed, runtime: profile.name) }
        return BuildReport(plans: plans, artifacts: pushed)
    }

    /// One package of the run, planned.
    /// The package or workspace and the settings for it, the toolchain and the target: where
    /// `build` and `list` start. The configuration's warnings are printed.
    func resolve() throws -> (Workspace, BuildSettings, Toolchain, LambdaTarget) {
        let workspace = try Workspace.locate(input: input, context: context)
        let configuration = workspace.configuration
        configuration.warnings.forEach { context.console.progress("warning: \($0)") }
        try configuration.checkValues(SettingChoices.expected)
        let settings = try BuildSettings.resolve(configuration, input: input)
        let toolchain = try Toolchain.locate(environment: context.environment)
        let target = try LambdaTarget.resolve(
            arm64: settings.arm64, x86_64: settings.x86_64, triple: settings.targetTriple, host: context.host)
        return (workspace, settings, toolchain, target)
    }

    /// Where the artifacts go: `lambda-dir`, else `target/lambda` at the root.
    func lambdaDirectory(_ settings: BuildSettings, _ workspace: Workspace) -> String {
        settings.lambdaDirectory.map { FileSystem.absolute($0, relativeTo: context.currentDirectory) } ?? "\(workspace.root)/target/lambda"
    }

    /// Each member's selected products planned as `build` plans them, the includes checked on
    /// disk: what `build` compiles and `list` prints.
    func planMembers(
        _ workspace: Workspace, packages: [PackageDescription], selection: Selection, lambdaDirectory: String, target: LambdaTarget,
        warns: Bool = true
    ) throws -> [Member] {
        var members: [Member] = []
        var warnedIncludes: Set<String> = []
        for (package, root) in zip(packages, workspace.members) {
            guard let products = selection.products(of: package) else { continue }
            // A member's own file may change its release, output format, kind and includes.
            let memberConfiguration = workspace.configuration(forMember: root)
            let own = try BuildSettings.resolve(memberConfiguration, input: input)
            let configurationName: BuildConfiguration = own.release ? .release : .debug
            let includes = try own.includes.map { try IncludeSpec.parse($0) { FileSystem.absolute($0, relativeTo: context.currentDirectory) } }
            var options = PlanOptions(
                products: products, flatten: selection.flatten(in: package), configuration: configurationName,
                lambdaDirectory: lambdaDirectory,
                kind: own.isExtension ? .extension(internal: own.isInternal) : .function,
                outputFormat: own.outputFormat, includes: includes, optimizations: !own.disableOptimizations)
            for product in products.isEmpty ? package.executableProducts.map(\.name) : products {
                if let overrides = try memberConfiguration.overrides(for: product) { options.overrides[product] = overrides }
            }
            // Checked against the package, and the includes on disk, before anything is compiled.
            let plan = try Planner.plan(package: package, options: options, binPath: "")
            for artifact in plan.artifacts {
                try ArtifactContents.checkIncludes(of: artifact, currentDirectory: context.currentDirectory)
                let outside = ArtifactContents.includesOutside(package.path, of: artifact.includes, currentDirectory: context.currentDirectory)
                for (include, resolved) in outside where warns && warnedIncludes.insert(include.source).inserted {
                    context.console.progress("warning: include '\(include.source)' is outside the package (\(resolved)); it will ship in every artifact")
                }
            }
            var request = BuildRequest(
                packagePath: package.path, packageName: package.displayName, configuration: configurationName, target: target,
                optimizations: !own.disableOptimizations, extraArguments: input.passThrough.compilerArguments,
                runArguments: input.passThrough.runArguments(quiet: input.quiet))
            request.localPackages = package.localDependencies
            members.append(Member(package: package, options: options, request: request))
        }
        return members
    }

    struct Member {
        var package: PackageDescription
        var options: PlanOptions
        var request: BuildRequest
        var backend: (any CompilerBackend)?
        var compat: GlibcCompatStep?
    }
}

/// Prints a step when it starts and, when it took long enough to matter,
/// how long it took, so a person can follow a long build.
struct Progress {
    var console: any Console
    var clock: ContinuousClock

    func step<T>(_ title: String, done: String? = nil, quiet: Bool = false, _ body: () async throws -> T) async throws -> T {
        if !quiet { console.progress(title) }
        let start = clock.now
        let result = try await body()
        let elapsed = clock.now - start
        if let done, !quiet, elapsed >= .milliseconds(100) {
            console.progress("\(done) in \(formatted(seconds(elapsed), decimals: 1))s")
        }
        return result
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
