import BuildPlanner
import ELFKit
import Foundation
import GlibcCompat
import LambdaChecks
import Testing

/// The plan computed from this machine's own libraries, checked against an
/// independent reading of the same files by GNU readelf.
@Suite struct HostLibrariesTests {
    static var hostArchitecture: Architecture {
        #if arch(arm64)
            .aarch64
        #else
            .x86_64
        #endif
    }

    static func hostLibraries() throws -> [LibrarySymbols] {
        try CompatLibraries.read(with: LibraryLocator(architecture: hostArchitecture))
    }

    @Test func theLocatorFindsWhatTheLoaderFinds() throws {
        let ldconfig = ["/sbin/ldconfig", "/usr/sbin/ldconfig"].first(where: TestProcess.isExecutable)
        let listing = try TestProcess.output(try #require(ldconfig), ["-p"])
        let locator = LibraryLocator(architecture: Self.hostArchitecture)
        let tag = Self.hostArchitecture == .x86_64 ? "x86-64" : "AArch64"
        for soname in CompatLibraries.sonames {
            // "	libm.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libm.so.6"
            let line = try #require(
                listing.split(separator: "\n").first { $0.contains("\t\(soname) (") && $0.contains(tag) })
            let expected = try #require(line.components(separatedBy: " => ").last)
            let found = try #require(locator.locate(soname))
            #expect(
                URL(fileURLWithPath: found).resolvingSymlinksInPath()
                    == URL(fileURLWithPath: expected).resolvingSymlinksInPath())
        }
        #expect(locator.locate("libdoes-not-exist.so.9") == nil)
    }

    @Test(arguments: [RuntimeProfile.providedAL2023, .providedAL2])
    func thePlanAgreesWithReadelf(profile: RuntimeProfile) throws {
        try #require(TestProcess.isExecutable("/usr/bin/readelf"))
        let libraries = try Self.hostLibraries()
        let plan = CompatPlan.compute(libraries, profile: profile)
        var expected: Set<String> = []
        var expectedFallbacks: Set<String> = []
        var seen: Set<String> = []
        for library in libraries {
            let symbols = try ReadelfSymbols(path: library.path)
            for name in symbols.names where !seen.contains(name) {
                guard let newest = symbols.defaultVersion(name), let parsed = SymbolVersion(newest),
                    let ceiling = profile.ceiling(for: parsed.prefix).flatMap(SymbolVersion.init), parsed > ceiling
                else { continue }
                seen.insert(name)
                let older = symbols.hiddenVersions(name).compactMap(SymbolVersion.init)
                    .filter { $0.prefix == parsed.prefix && $0 <= ceiling }.max()
                let moved = library.soname == "libc.so.6"
                    && (["GLIBC_2.32", "GLIBC_2.34"].contains(newest) || name == "__libc_start_main")
                if let older, symbols.isFunction(name), !moved {
                    expected.insert("\(library.soname) \(name) \(newest) \(older)")
                } else if older == nil, library.soname == "libc.so.6", name.hasPrefix("arc4random") {
                    expectedFallbacks.insert(name)
                }
            }
        }
        #expect(Set(plan.rebindings.map { "\($0.library) \($0.symbol) \($0.newest) \($0.bound)" }) == expected)
        #expect(Set(plan.fallbacks.map(\.symbol)) == expectedFallbacks)
        if !expected.isEmpty { #expect(plan.hostIsNewer) }
    }

    /// REFERENCE.md section 2, measured on glibc 2.36 / GCC 12 (Debian 12): the Foundation
    /// example's three symbols all have older versions. Holds wherever the libraries define
    /// the versions in question.
    @Test func theFoundationSymbolsAreRebound() throws {
        let libraries = try Self.hostLibraries()
        let plan = CompatPlan.compute(libraries, profile: .providedAL2023)
        let libm = try #require(libraries.first { $0.soname == "libm.so.6" })
        let base = Self.hostArchitecture == .x86_64 ? "GLIBC_2.2.5" : "GLIBC_2.17"
        if libm.definedVersions.contains("GLIBC_2.35") {
            for name in ["hypot", "hypotf"] {
                let rebinding = try #require(plan.rebindings.first { $0.symbol == name })
                #expect(rebinding.library == "libm.so.6")
                #expect(rebinding.newest.description == "GLIBC_2.35")
                #expect(rebinding.bound.description == base)
            }
        }
        if let libstdcxx = libraries.first(where: { $0.soname == "libstdc++.so.6" }),
            libstdcxx.definedVersions.contains("GLIBCXX_3.4.30")
        {
            let wait = try #require(
                plan.rebindings.first { $0.symbol == "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE" })
            #expect(wait.bound.description == "GLIBCXX_3.4.11")
        }
        let libc = try #require(libraries.first { $0.soname == "libc.so.6" })
        if libc.definedVersions.contains("GLIBC_2.36") {
            #expect(plan.fallbacks.map(\.symbol).sorted() == ["arc4random", "arc4random_buf", "arc4random_uniform"])
            #expect(plan.unfixable.contains { $0.symbol == "epoll_pwait2" || $0.symbol == "pidfd_open" })
        }
        // Nothing above the ceiling is left unaccounted for.
        for rebinding in plan.rebindings {
            #expect(
                rebinding.newest > SymbolVersion(RuntimeProfile.providedAL2023.ceiling(for: rebinding.newest.prefix)!)!)
        }
    }

    @Test func aarch64LibrariesAreFoundInACrossRoot() throws {
        let root = "/usr/aarch64-linux-gnu"
        try #require(
            FileManager.default.fileExists(atPath: "\(root)/lib/libc.so.6"),
            "needs libc6-arm64-cross (gcc-aarch64-linux-gnu)")
        let locator = LibraryLocator(root: root, architecture: .aarch64)
        let libraries = try CompatLibraries.read(with: locator)
        #expect(libraries.map(\.soname).contains("libm.so.6"))
        for library in libraries {
            #expect(try ELFHeader(contentsOf: library.path).machine == .aarch64)
        }
        let plan = CompatPlan.compute(libraries, profile: .providedAL2023)
        if libraries.first(where: { $0.soname == "libm.so.6" })?.definedVersions.contains("GLIBC_2.35") == true {
            #expect(plan.rebindings.first { $0.symbol == "hypot" }?.bound.description == "GLIBC_2.17")
        }
    }
}

/// `readelf -W --dyn-syms` of a library: every defined versioned symbol.
struct ReadelfSymbols {
    struct Entry {
        var version: String
        var isDefault: Bool
        var type: String
    }
    var entries: [String: [Entry]] = [:]

    init(path: String) throws {
        let text = try TestProcess.output("/usr/bin/readelf", ["-W", "--dyn-syms", path])
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, fields[0].hasSuffix(":"), fields[6] != "UND" else { continue }
            let full = String(fields[7])
            let isDefault = full.contains("@@")
            let parts = full.components(separatedBy: isDefault ? "@@" : "@")
            guard parts.count == 2 else { continue }
            entries[parts[0], default: []].append(
                Entry(version: parts[1], isDefault: isDefault, type: String(fields[3])))
        }
    }

    var names: [String] { entries.keys.sorted() }
    func defaultVersion(_ name: String) -> String? { entries[name]?.first(where: \.isDefault)?.version }
    func hiddenVersions(_ name: String) -> [String] { entries[name]?.filter { !$0.isDefault }.map(\.version) ?? [] }
    func isFunction(_ name: String) -> Bool {
        entries[name]?.first(where: \.isDefault).map { $0.type == "FUNC" || $0.type == "IFUNC" } ?? false
    }
}
