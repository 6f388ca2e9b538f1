import Archiver
import BuildPlanner
import Compilers
import ELFKit
import Foundation
import LambdaChecks
import LambdaSupport

/// Runs the readiness checks on staged artifacts and says what they found,
/// before anything is committed.
struct Readiness {
    var context: BuildContext
    var profile: RuntimeProfile
    var target: LambdaTarget
    var skipChecks: Bool
    var toolchain: Toolchain
    /// What `--bundle-libs` ships with each product, checked with it.
    var bundles: [String: LibraryBundle] = [:]
    /// Glibc compatibility, when on: explains what it could not rebind.
    var compat: GlibcCompatStep? = nil

    /// The report of each staged artifact, by product.
    /// The executables' ELF data comes back too, so the summary reads each file once.
    /// An image's report (`images`, by product) replaces the runtime's checks: it brings its own C library.
    func evaluate(
        _ staged: [StagedArtifact], images: [String: ReadinessReport] = [:]
    ) throws -> (reports: [String: ReadinessReport], executables: [String: ELFFile]) {
        var reports: [String: ReadinessReport] = [:]
        var executables: [String: ELFFile] = [:]
        for artifact in staged {
            let executable = try ELFFile(contentsOf: artifact.stagedExecutable)
            let facts = ArtifactFacts(
                executable: executable, bundled: bundles[artifact.artifact.product]?.filesBySoname ?? [:],
                unzippedBytes: artifact.unzippedBytes, zipBytes: artifact.zip?.size)
            reports[artifact.artifact.product] =
                images[artifact.artifact.product] ?? ReadinessCheck.evaluate(facts, target: target, profile: profile)
            executables[artifact.artifact.product] = executable
        }
        return (reports, executables)
    }

    /// Prints the findings (symbols demangled) and the ways out; returns the
    /// products that failed.
    func report(_ reports: [String: ReadinessReport]) async -> [String] {
        let symbols = reports.values.flatMap(\.findings).flatMap { finding -> [String] in
            if case .versionTooNew(_, _, _, let symbols) = finding.kind { return symbols }
            return []
        }
        let names = await Demangler(runner: context.runner, toolchain: toolchain).demangle(symbols)
        var failed: [String] = []
        for product in reports.keys.sorted() {
            guard let report = reports[product] else { continue }
            for finding in report.findings {
                let level = finding.severity == .error && !skipChecks ? "error" : "warning"
                context.console.progress("\(level): \(product): \(Self.describe(finding, names: names))")
                compat?.explain(finding, names: names).forEach { context.console.progress("  \($0)") }
            }
            if !report.passed { failed.append(product) }
        }
        if !failed.isEmpty {
            let missingLibrary = reports.values.flatMap(\.errors).contains { if case .libraryMissing = $0.kind { true } else { false } }
            context.console.progress(
                "  ways out: build in the runtime's image (--compiler docker), fully static (--target <arch>-swift-linux-musl with the Static Linux SDK), "
                    + (missingLibrary ? "ship the missing libraries (--bundle-libs), " : "")
                    + (compat == nil && target.libc == .glibc ? "rebind to the runtime's symbol versions (--glibc-compat), " : "")
                    + "check against another runtime (--runtime), or write anyway (--skip-checks)")
        }
        return failed
    }

    static func describe(_ finding: Finding, names: [String: String]) -> String {
        guard case .versionTooNew(let library, let version, let ceiling, let symbols) = finding.kind else {
            return finding.description
        }
        let readable = symbols.map { symbol in names[symbol].map { "\($0) (\(symbol))" } ?? symbol }
        return "needs \(version) from \(library) (\(ceiling) is the newest on this runtime) for \(readable.joined(separator: ", "))"
    }
}

/// Demangles Swift and C++ symbol names with the toolchain's swift-demangle
/// and binutils' c++filt; a name either cannot read stays as it is.
struct Demangler {
    var runner: any ProcessRunning
    var toolchain: Toolchain

    func demangle(_ symbols: [String]) async -> [String: String] {
        var names: [String: String] = [:]
        let swift = symbols.filter { $0.hasPrefix("$s") || $0.hasPrefix("_$s") }
        let cxx = symbols.filter { $0.hasPrefix("_Z") }
        let swiftDemangle = (toolchain.swift as NSString).deletingLastPathComponent + "/swift-demangle"
        let tools: [(tool: String, options: [String], symbols: [String])] = [
            (swiftDemangle, ["--compact", "--simplified"], swift), ("c++filt", [], cxx),
        ]
        for (tool, options, list) in tools where !list.isEmpty {
            guard let output = try? await runner.capture(Invocation(executable: tool, arguments: options + list)) else { continue }
            let lines = output.standardOutputText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (symbol, line) in zip(list, lines) where !line.isEmpty && line != symbol {
                names[symbol] = line
            }
        }
        return names
    }
}
