import BuildPlanner
import LambdaSupport

/// The `swift build` arguments every backend shares, so the build and the
/// bin-path query always name the same build directory.
enum SwiftBuildArguments {
    /// `build --package-path P -c CONFIG --static-swift-stdlib`: the Swift
    /// runtime is linked in for debug builds too, because Lambda has none and
    /// a bootstrap needing libswiftCore.so cannot start there; release
    /// builds add the measured size optimizations. Every build maps `P`, the root
    /// as the compiler sees it, to the request's fixed root (`CheckoutPaths`), debug builds
    /// too, so a debug bootstrap is as reproducible and the two configurations name sources alike;
    /// the host backends map their toolchain's directory as well.
    static func common(_ request: BuildRequest, packagePath: String, toolchain: String? = nil) -> [String] {
        var arguments = ["build", "--package-path", packagePath, "-c", request.configuration.rawValue, "--static-swift-stdlib"]
        if request.configuration == .release && request.optimizations { arguments += ReleaseOptimizations.flags }
        // Local packages are mapped where the compiler sees the host's paths (not in a container).
        let local = packagePath == request.packagePath ? request.localPackages : []
        arguments += CheckoutPaths(root: packagePath, mapped: request.mappedRoot, toolchain: toolchain, localPackages: local).arguments
        return arguments + request.extraArguments
    }

    /// The host backends' scratch directory: the package's own `.build`, named through
    /// `/proc/self/cwd` with `swift build` run in the package root. SwiftPM writes the scratch
    /// path into every target's `Bundle.module` accessor (its fallback when the bundle is not
    /// beside the executable) as a string literal, which no prefix map reaches; a name holding
    /// no checkout path keeps those bytes the same everywhere (docs/DESIGN.md). Docker's
    /// scratch path is fixed by its mount already.
    static let hostScratchPath = "/proc/self/cwd/.build"

    /// `swift <arguments> --scratch-path /proc/self/cwd/.build <trailing>` run in the package root.
    static func hostInvocation(
        _ swift: String, _ request: BuildRequest, _ arguments: [String], then trailing: [String]
    ) -> Invocation {
        Invocation(
            executable: swift, arguments: arguments + ["--scratch-path", hostScratchPath] + trailing,
            workingDirectory: request.packagePath)
    }

    /// The host path of a host backend's bin path (printed under `/proc/self/cwd`).
    static func hostPath(_ printed: String, request: BuildRequest) -> String {
        rebase(printed, from: "/proc/self/cwd", to: request.packagePath) ?? printed
    }

    /// What only the build itself gets: the product and the run arguments (`--jobs`, `--quiet`).
    static func buildOnly(_ request: BuildRequest) -> [String] {
        (request.product.map { ["--product", $0] } ?? []) + request.runArguments
    }
}

/// `path` with its leading `root` replaced by `replacement`; nil when `path` is not under `root`.
func rebase(_ path: String, from root: String, to replacement: String) -> String? {
    guard path == root || path.hasPrefix(root + "/") else { return nil }
    return replacement + path.dropFirst(root.count)
}

/// Flags added to release builds unless `--disable-optimizations`: only
/// those that measurably shrink the bootstrap without changing behaviour.
/// Measured on the Examples (README): none qualifies. `--gc-sections` is
/// already passed by the driver with a static stdlib; `-Osize` and
/// `-function-sections` save at most 4 KB (they reach only the package's own
/// code, not the prebuilt runtime); lld and LTO keep the retained `swift5_*`
/// metadata sections and grow a Foundation binary 4.2x; gold's `--icf=safe`
/// saves under 0.5% zipped and is unknown to ld.bfd. Stripping the copy
/// (Toolchain.stripInvocation) is what shrinks: 18-35%.
public enum ReleaseOptimizations {
    public static let flags: [String] = []
}
