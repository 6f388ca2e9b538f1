import BuildPlanner
import Compilers
import ELFKit
import Foundation
import GlibcCompat
import LambdaChecks
import LambdaSupport

/// `--glibc-compat` in a build: decides whether it applies, prepares the
/// shim before compiling, relinks with a static libstdc++ the products that
/// need it after compiling, and reads back from each artifact what it did.
/// The decisions themselves live in the GlibcCompat library.
struct GlibcCompatStep: Sendable {
    let plan: CompatPlan
    /// Where the libraries come from, and the cache of plans computed from them.
    let locator: LibraryLocator
    let plans: CompatPlanCache
    let linkage: CompatLinkage
    let builder: ShimBuilder
    let profile: RuntimeProfile
    let target: LambdaTarget
    /// The sysroot the libraries came from: `/` for the host.
    let root: String
    let toolchain: Toolchain
    /// Binaries linked with a static libstdc++ (this run or an earlier one).
    var staticBinaries: Set<String> = []

    var swiftBuildArguments: [String] { linkage.swiftBuildArguments }

    /// Where the target's libraries are for `backend`: `/` for a host build, the Swift SDK's
    /// sysroot; nil for a container build (they are the image's). Glibc compatibility reads them
    /// there, and `--output-format image` copies them from there.
    static func libraryRoot(backend: any CompilerBackend, target: LambdaTarget, environment: [String: String]) throws -> String? {
        switch backend.name {
        case .docker:
            return nil
        case .swiftpm:
            return "/"
        case .swiftSDK:
            let sdk = backend as? SwiftSDKBackend
            let sdksPath = sdk?.sdksPath ?? SwiftSDKSysroot.defaultSDKsPath(environment: environment) ?? ""
            return try SwiftSDKSysroot.locate(sdk: sdk?.sdk ?? target.triple, triple: target.triple, sdksPath: sdksPath)
        }
    }

    /// The step for this build, or nil when glibc compatibility is off: asked
    /// off, a musl or docker build, or host libraries within the ceilings.
    /// `earlier`, another workspace member's step, lends its plan when it was
    /// made from the same libraries for the same runtime.
    static func prepare(
        requested: Bool?, backend: any CompilerBackend, target: LambdaTarget, profile: RuntimeProfile,
        toolchain: Toolchain, packageRoot: String, context: BuildContext, verbose: Bool, dryRun: Bool,
        sharing earlier: GlibcCompatStep? = nil
    ) async throws -> GlibcCompatStep? {
        guard requested != false else { return nil }
        let explicit = requested == true
        if target.libc == .musl {
            guard !explicit else {
                throw CompatError.notApplicable(
                    reason: "\(target) links musl statically, with no glibc to be compatible with")
            }
            return nil
        }
        let root: String
        do {
            guard let found = try libraryRoot(backend: backend, target: target, environment: context.environment) else {
                guard !explicit else {
                    throw CompatError.notApplicable(reason: "--compiler docker links against the runtime image's own glibc")
                }
                return nil
            }
            root = found
        } catch let error as CompatError where !explicit {
            context.console.progress("note: building without glibc-compat: \(error)")
            return nil
        }
        guard let clang = toolchain.clang else { throw CompatError.clangNotFound(swift: toolchain.swift) }

        let locator = LibraryLocator(root: root, architecture: target.architecture)
        let plans = CompatPlanCache(directory: CompatLinkage.directory(packageRoot: packageRoot))
        let plan: CompatPlan
        if let earlier, earlier.root == root, earlier.target == target, earlier.profile == profile {
            plan = earlier.plan
        } else {
            plan = try plans.plan(locator: locator, profile: profile, store: !dryRun)
        }
        guard plan.hostIsNewer else {
            if explicit || verbose {
                context.console.progress(
                    "glibc-compat: the libraries here are within \(profile.name)'s ceilings; nothing to rebind")
            }
            return nil
        }
        let source = ShimSource.make(plan, architecture: target.architecture)
        let builder = ShimBuilder(
            clang: clang, triple: target.triple, cacheDirectory: CompatLinkage.directory(packageRoot: packageRoot))
        let object: String
        var how = "not built (dry run)"
        if dryRun {
            object = builder.objectPath(for: source)
        } else {
            let built = try await builder.build(source, runner: context.runner)
            object = built.path
            how = built.reused ? "reused" : "compiled"
        }
        let linkage = CompatLinkage(directory: builder.cacheDirectory, triple: target.triple, sharedObject: object)
        if !dryRun { try linkage.useShared() }

        let step = GlibcCompatStep(
            plan: plan, locator: locator, plans: plans, linkage: linkage, builder: builder, profile: profile,
            target: target, root: root, toolchain: toolchain, staticBinaries: linkage.staticallyLinked())
        let fallbacks =
            plan.fallbacks.isEmpty ? "" : ", fallbacks for \(plan.fallbacks.map(\.symbol).joined(separator: ", "))"
        // What compat did is in the summary; how (the shim, each symbol) is for -v.
        if verbose {
            context.console.progress(
                "glibc-compat: rebinding \(plan.rebindings.count) \(plan.rebindings.count == 1 ? "symbol" : "symbols") to \(profile.name)'s versions\(fallbacks); shim \(context.displayPath(object)) (\(how))"
            )
            await step.list(context: context)
        }
        return step
    }

    /// `-v`: every rebound symbol and the version it binds to now.
    func list(context: BuildContext) async {
        let names = await Demangler(runner: context.runner, toolchain: toolchain)
            .demangle(plan.rebindings.map(\.symbol))
        for rebinding in plan.rebindings.sorted(by: { $0.symbol < $1.symbol }) {
            let name = names[rebinding.symbol].map { "\($0) (\(rebinding.symbol))" } ?? rebinding.symbol
            context.console.progress(
                "glibc-compat: \(name) from \(rebinding.library): \(rebinding.newest) -> \(rebinding.bound)")
        }
        for fallback in plan.fallbacks {
            context.console.progress(
                "glibc-compat: \(fallback.symbol) (\(fallback.version), no older version): defined in the shim over getrandom"
            )
        }
        context.console.progress(
            "glibc-compat: \(plan.unfixable.count) other symbols above the ceilings have no older version; a binary needing one fails the checks"
        )
    }

    /// Relinks with a static libstdc++ each product whose binary still needs
    /// a GLIBCXX_/CXXABI_ version above the ceiling (one no older version
    /// exists for), so the libstdc++ it needs is inside it.
    mutating func relinkStaticWhereNeeded(
        _ artifacts: [PlannedArtifact], backend: any CompilerBackend, request: BuildRequest, context: BuildContext
    ) async throws {
        var needing: [(product: String, binary: String, symbols: [String])] = []
        for artifact in artifacts where !needing.contains(where: { $0.binary == artifact.sourceBinary }) {
            let file = try ELFFile(contentsOf: artifact.sourceBinary)
            let symbols = ArtifactCompat.libstdcxxBeyondCeiling(file, profile: profile)
            if file.needed.contains(CompatLibraries.libstdcxx) { staticBinaries.remove(artifact.sourceBinary) }
            if !symbols.isEmpty { needing.append((artifact.product, artifact.sourceBinary, symbols)) }
        }
        defer { try? linkage.recordStaticallyLinked(staticBinaries) }
        guard !needing.isEmpty else { return }
        guard let archive = await staticLibstdcxx(context: context) else {
            context.console.progress(
                "warning: glibc-compat cannot link libstdc++ statically: the toolchain's clang finds no libstdc++.a for \(target) (install the libstdc++ development package)"
            )
            return
        }
        let staticPlan = try plans.plan(locator: locator, profile: profile, libstdcxx: .static)
        let object = try await builder.build(
            ShimSource.make(staticPlan, architecture: target.architecture), runner: context.runner)
        try linkage.useStatic(object: object.path, archive: archive)
        do {
            let names = await Demangler(runner: context.runner, toolchain: toolchain)
                .demangle(needing.flatMap(\.symbols))
            for item in needing {
                let readable = item.symbols.map { names[$0] ?? $0 }.joined(separator: ", ")
                context.console.progress(
                    "glibc-compat: \(item.product) needs libstdc++ symbols with no version within \(profile.name)'s ceilings (\(readable)); relinking it with a static libstdc++"
                )
                try FileSystem.removeItem(item.binary)
                let invocation = backend.buildInvocation(for: request.building(item.product))
                context.console.progress("Relinking \(item.product): \(invocation.commandLine)")
                do {
                    try await context.runner.stream(invocation, to: .standardError)
                } catch let failure as ProcessError {
                    throw BuildError.compilerFailed(failure)
                }
                staticBinaries.insert(item.binary)
            }
        } catch {
            try? linkage.useShared()
            throw error
        }
        try linkage.useShared()
    }

    /// The target's `libstdc++.a` as the toolchain's clang finds it, if any.
    func staticLibstdcxx(context: BuildContext) async -> String? {
        let sysroot = root == "/" ? [] : ["--sysroot=\(root)"]
        let invocation = Invocation(
            executable: builder.clang,
            arguments: ["--target=\(target.triple)"] + sysroot + ["-print-file-name=libstdc++.a"])
        guard let output = try? await context.runner.capture(invocation) else { return nil }
        let path = output.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") && FileSystem.exists(path) ? path : nil
    }

    /// What the shim did to an artifact, read from its executable.
    func inspect(_ file: ELFFile, sourceBinary: String) -> ArtifactCompat? {
        return ArtifactCompat.inspect(file, plan: plan, linkedStatically: staticBinaries.contains(sourceBinary))
    }

    /// Why a version finding remains after rebinding and the ways out: one
    /// line per reason, naming the symbols the plan could not help.
    func explain(_ finding: Finding, names: [String: String]) -> [String] {
        guard case .versionTooNew(let library, let version, let ceiling, let symbols) = finding.kind else { return [] }
        var byReason: [(reason: UnfixableSymbol.Reason, symbols: [String])] = []
        for symbol in symbols {
            guard let unfixable = plan.unfixable(symbol, library: library) else { continue }
            if let index = byReason.firstIndex(where: { $0.reason == unfixable.reason }) {
                byReason[index].symbols.append(names[symbol] ?? symbol)
            } else {
                byReason.append((unfixable.reason, [names[symbol] ?? symbol]))
            }
        }
        let musl = "\(target.architecture.rawValue)-swift-linux-musl"
        return byReason.map { reason, symbols in
            let them = symbols.count == 1 ? "it" : "them"
            let why: String
            switch reason {
            case .noOlderVersion:
                why = "\(library) has \(them) only at \(version), with no version at or below \(ceiling)"
            case .notAFunction:
                why = "\(symbols.count == 1 ? "it is" : "they are") data, which only \(library) itself can provide"
            case .movedIntoLibc:
                why =
                    "glibc moved \(them) into libc.so.6 at \(version); older glibc has \(them) in libpthread, libdl, librt, libutil, libanl or libresolv, which the binary does not name"
            case .startupContract:
                why =
                    "the start code of glibc 2.34 and later (crt1.o) passes no constructors to older versions of \(them)"
            case .unsupportedName: why = "the shim cannot spell \(symbols.count == 1 ? "its name" : "their names")"
            }
            return
                "glibc-compat cannot rebind \(symbols.joined(separator: ", ")): \(why); build fully static with the Static Linux SDK (--target \(musl)) or in the runtime's image (--compiler docker)"
        }
    }
}
