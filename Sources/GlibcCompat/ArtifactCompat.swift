public import ELFKit
public import LambdaChecks

/// What glibc compatibility did to one linked binary, read back from its
/// ELF data rather than assumed.
public struct ArtifactCompat: Sendable, Equatable {
    /// The plan's rebindings this binary binds: it imports the symbol at
    /// exactly the rebound version from exactly that library.
    public var rebound: [Rebinding]
    /// Linked against a static libstdc++ (no `libstdc++.so.6` needed).
    public var libstdcxxStatic: Bool

    public init(rebound: [Rebinding], libstdcxxStatic: Bool) {
        self.rebound = rebound
        self.libstdcxxStatic = libstdcxxStatic
    }

    public static func inspect(_ file: ELFFile, plan: CompatPlan, linkedStatically: Bool) -> ArtifactCompat {
        var imported = Set<String>()
        for need in file.versionNeeds {
            for version in need.versions {
                for symbol in version.symbols { imported.insert("\(need.library) \(version.name) \(symbol)") }
            }
        }
        let rebound = plan.rebindings.filter { imported.contains("\($0.library) \($0.bound) \($0.symbol)") }
            .sorted { $0.symbol < $1.symbol }
        return ArtifactCompat(
            rebound: rebound,
            libstdcxxStatic: linkedStatically && !file.needed.contains(CompatLibraries.libstdcxx))
    }

    /// The symbols for which `file` needs a libstdc++ version (GLIBCXX_,
    /// CXXABI_) above the runtime's ceiling: rebinding could not help them,
    /// a static libstdc++ can.
    public static func libstdcxxBeyondCeiling(_ file: ELFFile, profile: RuntimeProfile) -> [String] {
        var symbols: [String] = []
        for need in file.versionNeeds where need.library == CompatLibraries.libstdcxx {
            for version in need.versions {
                guard let parsed = SymbolVersion(version.name),
                    let ceiling = profile.ceilingVersion(for: parsed.prefix),
                    parsed > ceiling
                else { continue }
                symbols += version.symbols.filter { !symbols.contains($0) }
            }
        }
        return symbols
    }
}
