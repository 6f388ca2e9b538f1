public import BuildPlanner

/// The `swift build` flags `build` passes through as SwiftPM spells them: `-Xswiftc`,
/// `-Xcc`, `-Xlinker`, `-Xcxx` (one value each, repeatable) and `--jobs`. They are
/// command-line only, as in SwiftPM.
public struct PassThrough: Sendable, Equatable {
    public var swiftc: [String]
    public var cc: [String]
    public var linker: [String]
    public var cxx: [String]
    public var jobs: Int?

    public init(swiftc: [String] = [], cc: [String] = [], linker: [String] = [], cxx: [String] = [], jobs: Int? = nil) {
        self.swiftc = swiftc
        self.cc = cc
        self.linker = linker
        self.cxx = cxx
        self.jobs = jobs
    }

    /// What changes the compiled bytes, so the build, its bin-path query and the
    /// artifacts' up-to-date fingerprint all get it: `-Xswiftc A -Xcc B ...`, in that order.
    public var compilerArguments: [String] {
        [("-Xswiftc", swiftc), ("-Xcc", cc), ("-Xlinker", linker), ("-Xcxx", cxx)].flatMap { flag, values in
            values.flatMap { [flag, $0] }
        }
    }

    /// What changes only how `swift build` runs (`--jobs N`, `--quiet`): the build gets it,
    /// the bin-path query and the fingerprint do not.
    public func runArguments(quiet: Bool) -> [String] {
        (jobs.map { ["--jobs", "\($0)"] } ?? []) + (quiet ? ["--quiet"] : [])
    }
}

/// `-c/--configuration debug|release`, SwiftPM's spelling of `--release`/`--no-release`.
public enum ConfigurationFlag {
    /// The release setting the flags give (nil: neither was given). Both given and
    /// contradicting is an error naming both, for the CLI's usage error.
    public static func release(release: Bool?, configuration: BuildConfiguration?) throws(ConfigurationFlagError) -> Bool? {
        guard let configuration else { return release }
        let fromConfiguration = configuration == .release
        if let release, release != fromConfiguration {
            throw ConfigurationFlagError(configuration: configuration, release: release)
        }
        return fromConfiguration
    }
}

public struct ConfigurationFlagError: Error, Equatable, CustomStringConvertible {
    public var configuration: BuildConfiguration
    public var release: Bool

    public var description: String {
        "--configuration \(configuration.rawValue) and \(release ? "--release" : "--no-release") contradict each other; pass one of them"
    }
}
