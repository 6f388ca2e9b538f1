import BuildPlanner
import Compilers
import LambdaSupport

/// `--dry-run`: the plan as a person reads it.
struct PlanRenderer {
    var context: BuildContext

    /// `bundleLibs` names the runtime whose missing libraries `--bundle-libs` will ship.
    func render(
        _ plan: BuildPlan, builds: [Invocation], backend: CompilerName, target: LambdaTarget, bundleLibs runtime: String?
    ) -> [String] {
        var lines = [
            "Plan for package \(plan.packageName) (\(plan.configuration.rawValue)) at \(plan.packagePath)",
            "Target \(target) (\(target.architecture.lambdaName)), compiler \(backend.rawValue)",
        ]
        lines.append("Compile (\(builds.count) \(builds.count == 1 ? "run" : "runs")):")
        lines += builds.map { "  \($0.commandLine)" }
        lines.append("Artifacts:")
        for artifact in plan.artifacts {
            lines.append("  \(artifact.product) (\(kindName(artifact.kind)); targets: \(artifact.targets.joined(separator: ", ")))")
            let how = artifact.stripsSymbols ? "stripped copy of" : "copy of"
            lines.append("    \(context.displayPath(artifact.executable))  <- \(how) \(artifact.sourceBinary)")
            for bundle in artifact.bundles {
                lines.append("    \(context.displayPath("\(artifact.root)/\(artifact.layout.bundlePath(bundle))"))  <- \(bundle.source)")
            }
            for include in artifact.includes {
                lines.append("    \(context.displayPath("\(artifact.root)/\(include.destination)"))  <- \(include.source)")
            }
            if let runtime {
                lines.append("    \(context.displayPath("\(artifact.root)/\(ArtifactLayout.libraryDirectory)"))/  <- the shared libraries it needs beyond \(runtime), found after the build")
            }
            if let zip = artifact.zip {
                let parts = [zip.layout.executable] + artifact.bundles.map(zip.layout.bundlePath) + artifact.includes.map(\.destination)
                lines.append("    \(context.displayPath(zip.path))  <- zip of \(parts.joined(separator: ", "))")
            }
            if let image = artifact.image {
                lines.append("    \(context.displayPath(image))  <- OCI image: the bootstrap's ELF closure, then \(artifact.layout.executable) and its files under /var/task")
            }
        }
        return lines
    }
}

/// The lines printed after a build: one per artifact.
struct SummaryRenderer {
    var context: BuildContext

    /// `configuration` names the configurations built ("debug", or "debug, release" for a mixed workspace).
    /// Nothing when nothing was written (every artifact failed its checks: the error says so).
    func render(_ artifacts: [WrittenArtifact], configuration: String, elapsed: Duration) -> [String] {
        guard !artifacts.isEmpty else { return [] }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var lines = [
            "Built \(artifacts.count) Lambda \(artifacts.count == 1 ? "artifact" : "artifacts") (\(configuration)) in \(formatted(seconds, decimals: 1))s:"
        ]
        let nameWidth = artifacts.map(\.product.count).max() ?? 0
        for artifact in artifacts {
            let name = artifact.product.padding(to: nameWidth)
            let size = Self.formatSize(artifact.size).padding(to: 9, left: true)
            lines.append("  \(name)  \(artifact.architecture.padding(to: 6))  \(size)  \(context.displayPath(artifact.path))")
            let indent = String(repeating: " ", count: nameWidth)
            if let report = artifact.readiness, artifact.image != nil {
                let verdict = report.passed ? "image checks passed" : "image checks FAILED (written with --skip-checks)"
                lines.append("  \(indent)  \(verdict): every library and symbol version the bootstrap needs is inside the image")
            } else if let report = artifact.readiness {
                let libraries = report.libraries.map { $0.bundled ? "\($0.soname) (bundled)" : $0.soname }
                let verdict = report.passed ? "checks passed" : "checks FAILED (written with --skip-checks)"
                lines.append("  \(indent)  \(verdict); needs \(report.highestGLIBC ?? "no glibc"), \(report.highestGLIBCXX ?? "no libstdc++"); libraries: \(libraries.isEmpty ? "none (static)" : libraries.joined(separator: ", "))")
            }
            if let compat = artifact.compat {
                let count = compat.rebound.count
                let statically = compat.libstdcxxStatic ? "; libstdc++ linked statically" : ""
                lines.append("  \(indent)  glibc-compat: \(count) \(count == 1 ? "symbol" : "symbols") rebound\(statically)")
            }
            if !artifact.bundledLibraries.isEmpty {
                lines.append("  \(indent)  bundled in \(ArtifactLayout.libraryDirectory)/: \(artifact.bundledLibraries.joined(separator: ", "))")
            }
            if let image = artifact.image {
                let size = Self.formatSize(image.compressedSize).padding(to: 9, left: true)
                lines.append(
                    "  \(indent)  \("image".padding(to: 6))  \(size)  \(context.displayPath(image.path))  (\(image.reference), \(Self.formatSize(image.uncompressedSize)) unpacked)")
                lines.append("  \(indent)  digest \(image.manifestDigest)")
                if let pushed = image.pushed { lines.append("  \(indent)  pushed \(pushed)") }
            }
            if let zip = artifact.zip {
                let zipSize = Self.formatSize(zip.size).padding(to: 9, left: true)
                lines.append("  \(indent)  \("zip".padding(to: 6))  \(zipSize)  \(context.displayPath(zip.path))")
                lines.append("  \(indent)  sha256 \(zip.sha256Hex)  base64 \(zip.sha256Base64)")
            }
        }
        return lines
    }

    /// Sizes in binary units, as Lambda's limits are stated.
    static func formatSize(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\(formatted(value, decimals: 1)) \(units[unit])"
    }
}

func kindName(_ kind: ArtifactKind) -> String {
    switch kind {
    case .function: return "function"
    case .extension(let isInternal): return isInternal ? "internal extension" : "extension"
    }
}

/// Fixed-point formatting without Foundation's locale-dependent formatters.
func formatted(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = String(scaled % Int64(scale))
    guard decimals > 0 else { return "\(whole)" }
    return "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
}

extension String {
    func padding(to width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - count))
        return left ? fill + self : self + fill
    }
}
