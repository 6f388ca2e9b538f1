import BuildPlanner

/// The `swift build` arguments every backend shares, so the build and the
/// bin-path query always name the same build directory.
enum SwiftBuildArguments {
    /// `build --package-path P -c CONFIG --static-swift-stdlib`: the Swift
    /// runtime is linked in for debug builds too, because Lambda has none and
    /// a bootstrap needing libswiftCore.so cannot start there; release
    /// builds add the measured size optimizations.
    static func common(_ request: BuildRequest, packagePath: String) -> [String] {
        var arguments = ["build", "--package-path", packagePath, "-c", request.configuration.rawValue, "--static-swift-stdlib"]
        if request.configuration == .release && request.optimizations { arguments += ReleaseOptimizations.flags }
        return arguments + request.extraArguments
    }

    /// What only the build itself gets: the product and the run arguments (`--jobs`, `--quiet`).
    static func buildOnly(_ request: BuildRequest) -> [String] {
        (request.product.map { ["--product", $0] } ?? []) + request.runArguments
    }
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
