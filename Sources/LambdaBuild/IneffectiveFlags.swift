import Compilers
import LambdaConfig

/// Flags given on the command line that change nothing in this run (an
/// image without docker, an SDK without swift-sdk): accepted, but said, so a
/// build is never believed to use what it ignored.
enum IneffectiveFlags {
    /// One sentence per flag, for a `warning:` line; `compiler` is the backend chosen.
    static func warnings(flags: Layer, compiler: CompilerName, release: Bool) -> [String] {
        let needs: [(Setting, CompilerName)] = [
            (.image, .docker), (.containerCLI, .docker), (.swiftSDK, .swiftSDK), (.swiftSDKsPath, .swiftSDK),
        ]
        var warnings: [String] = []
        for (setting, backend) in needs where compiler != backend {
            guard let origin = flags.origins[setting] else { continue }
            warnings.append(
                "\(origin) has no effect: the compiler is \(compiler.rawValue), not \(backend.rawValue); add --compiler \(backend.rawValue) or drop \(origin)")
        }
        if !release, flags[.disableOptimizations] == .bool(true), let origin = flags.origins[.disableOptimizations] {
            warnings.append("\(origin) has no effect on a debug build; add --release or drop \(origin)")
        }
        return warnings
    }
}
