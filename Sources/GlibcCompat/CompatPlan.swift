public import ELFKit
public import LambdaChecks

/// How libstdc++ is linked: the rebinding plan differs, because a static
/// libstdc++ defines its own symbols inside the binary.
public enum LibstdcxxLinkage: String, Sendable, Equatable, Codable {
    case shared
    case `static`
}

/// A function whose default (`@@`) version is above the runtime's ceiling
/// and that the library also defines at an older version within it: links
/// bind to the older one instead.
public struct Rebinding: Sendable, Hashable, Codable {
    public let symbol: String
    public let library: String
    /// The version new links get by default, above the ceiling.
    public let newest: SymbolVersion
    /// The newest version at or below the ceiling: what the binary binds to now.
    public let bound: SymbolVersion

    public init(symbol: String, library: String, newest: SymbolVersion, bound: SymbolVersion) {
        self.symbol = symbol
        self.library = library
        self.newest = newest
        self.bound = bound
    }
}

/// A function above the ceiling with no older version, replaced by a
/// definition in the shim that behaves the same (see `ShimSource`).
public struct Fallback: Sendable, Hashable, Codable {
    public let symbol: String
    public let library: String
    public let version: SymbolVersion
}

/// A symbol above the ceiling the shim cannot help with. Harmless unless a
/// binary needs it, which the readiness checks then report.
public struct UnfixableSymbol: Sendable, Hashable, Codable {
    public enum Reason: Sendable, Hashable, Codable {
        /// No version at or below the ceiling, and no faithful replacement.
        case noOlderVersion
        /// Data, not a function: a jump cannot stand in for it.
        case notAFunction
        /// Moved into libc.so.6 by glibc 2.32/2.34 from libpthread, libdl, librt,
        /// libutil, libanl or libresolv: older glibc defines the old version in that
        /// library, which the binary does not name, so the loader would not find it.
        case movedIntoLibc
        /// `__libc_start_main@@GLIBC_2.34`: crt1.o of glibc 2.34 and later passes no
        /// init/fini functions, which the older version relies on to run constructors.
        case startupContract
        /// A name the assembler cannot spell.
        case unsupportedName
    }

    public let symbol: String
    public let library: String
    public let version: SymbolVersion
    public let reason: Reason
}

/// Which symbols of the host's libraries a binary must not bind at their
/// newest versions to start on a runtime, and what happens to each. Pure:
/// computed from the libraries' symbol tables and the runtime's ceilings.
public struct CompatPlan: Sendable, Equatable, Codable {
    public let runtime: String
    public let libstdcxx: LibstdcxxLinkage
    public let rebindings: [Rebinding]
    public let fallbacks: [Fallback]
    public let unfixable: [UnfixableSymbol]
    /// Whether any library defines a version above the runtime's ceilings,
    /// that is, whether a binary linked here may need more than the runtime has.
    public let hostIsNewer: Bool

    /// The functions with faithful fallbacks: the arc4random family (glibc
    /// 2.36), written over `getrandom` (glibc 2.25).
    public static let fallbackSymbols: Set<String> = ["arc4random", "arc4random_buf", "arc4random_uniform"]
    /// The versions glibc gave the functions it moved into libc.so.6.
    static let libcMoveVersions: Set<SymbolVersion> = [
        SymbolVersion(prefix: "GLIBC", numbers: [2, 32]), SymbolVersion(prefix: "GLIBC", numbers: [2, 34]),
    ]

    public static func compute(
        _ libraries: [LibrarySymbols], profile: RuntimeProfile, libstdcxx: LibstdcxxLinkage = .shared
    ) -> CompatPlan {
        var rebindings: [Rebinding] = []
        var fallbacks: [Fallback] = []
        var unfixable: [UnfixableSymbol] = []
        var hostIsNewer = false
        var planned = Set<String>()
        let fallbackUsable = Self.fallbackUsable(libraries, profile: profile)

        for library in libraries {
            for name in library.definedVersions {
                if let version = SymbolVersion(name), let ceiling = profile.ceilingVersion(for: version.prefix),
                    version > ceiling
                {
                    hostIsNewer = true
                }
            }
            // A static libstdc++ is inside the binary: nothing of libstdc++.so.6 is bound.
            if libstdcxx == .static && library.soname == CompatLibraries.libstdcxx { continue }

            var versionsByName: [String: [DynamicSymbol]] = [:]
            for symbol in library.symbols where symbol.version != nil {
                versionsByName[symbol.name, default: []].append(symbol)
            }
            for name in versionsByName.keys.sorted() {
                guard let versions = versionsByName[name],
                    let newest = versions.first(where: \.isDefaultVersion),
                    let newestVersion = newest.version.flatMap(SymbolVersion.init),
                    let ceiling = profile.ceilingVersion(for: newestVersion.prefix),
                    newestVersion > ceiling,
                    planned.insert(name).inserted
                else { continue }

                func reject(_ reason: UnfixableSymbol.Reason) {
                    unfixable.append(
                        UnfixableSymbol(symbol: name, library: library.soname, version: newestVersion, reason: reason))
                }
                guard newest.isFunction else {
                    reject(.notAFunction)
                    continue
                }
                guard ShimSource.isAssemblerName(name) else {
                    reject(.unsupportedName)
                    continue
                }
                let older = versions.compactMap { symbol -> SymbolVersion? in
                    guard !symbol.isDefaultVersion, symbol.isFunction,
                        let version = symbol.version.flatMap(SymbolVersion.init),
                        version.prefix == newestVersion.prefix, version <= ceiling
                    else { return nil }
                    return version
                }.max()
                if let older {
                    if library.soname == "libc.so.6" && name == "__libc_start_main" {
                        reject(.startupContract)
                    } else if library.soname == "libc.so.6" && Self.libcMoveVersions.contains(newestVersion) {
                        reject(.movedIntoLibc)
                    } else {
                        rebindings.append(
                            Rebinding(symbol: name, library: library.soname, newest: newestVersion, bound: older))
                    }
                } else if library.soname == "libc.so.6" && Self.fallbackSymbols.contains(name) && fallbackUsable {
                    fallbacks.append(Fallback(symbol: name, library: library.soname, version: newestVersion))
                } else {
                    reject(.noOlderVersion)
                }
            }
        }
        return CompatPlan(
            runtime: profile.name, libstdcxx: libstdcxx, rebindings: rebindings, fallbacks: fallbacks,
            unfixable: unfixable, hostIsNewer: hostIsNewer)
    }

    /// The fallbacks call `getrandom`, which must itself be within the ceiling.
    static func fallbackUsable(_ libraries: [LibrarySymbols], profile: RuntimeProfile) -> Bool {
        guard let libc = libraries.first(where: { $0.soname == "libc.so.6" }),
            let getrandom = libc.symbols.first(where: { $0.name == "getrandom" && $0.isDefaultVersion }),
            let version = getrandom.version.flatMap(SymbolVersion.init),
            let ceiling = profile.ceilingVersion(for: version.prefix)
        else { return false }
        return version <= ceiling
    }

    /// Whether the shim has anything to do.
    public var isEmpty: Bool { rebindings.isEmpty && fallbacks.isEmpty }

    /// The unfixable entry for a symbol a binary needs from `library`, if any.
    public func unfixable(_ symbol: String, library: String) -> UnfixableSymbol? {
        unfixable.first { $0.symbol == symbol && $0.library == library }
    }
}

extension RuntimeProfile {
    /// The ceiling for a version prefix, parsed.
    public func ceilingVersion(for prefix: String) -> SymbolVersion? {
        ceiling(for: prefix).flatMap(SymbolVersion.init)
    }
}
