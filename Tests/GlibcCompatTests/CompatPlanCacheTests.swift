import Foundation
import GlibcCompat
import LambdaChecks
import Testing

/// The plan cache: a hit returns the stored plan without reading the
/// libraries, and anything the plan depends on (a library's bytes, the
/// ceilings, the libstdc++ linkage) misses it.
@Suite struct CompatPlanCacheTests {
    /// A sysroot holding copies of this host's C libraries, so a test can
    /// change one without touching the host's, with a locator for it and a
    /// plan cache inside it. The caller removes `root`.
    struct Sysroot {
        let root: String
        let libraries: String
        let locator: LibraryLocator
        let cache: CompatPlanCache

        init() throws {
            root = try TestProcess.temporaryDirectory("planroot")
            libraries = "\(root)/lib/\(HostLibrariesTests.hostArchitecture.rawValue)-linux-gnu"
            try FileManager.default.createDirectory(atPath: libraries, withIntermediateDirectories: true)
            let host = LibraryLocator(architecture: HostLibrariesTests.hostArchitecture)
            for (soname, path) in try CompatLibraries.locate(with: host) {
                try FileManager.default.copyItem(atPath: path, toPath: "\(libraries)/\(soname)")
            }
            locator = LibraryLocator(root: root, architecture: HostLibrariesTests.hostArchitecture)
            cache = CompatPlanCache(directory: "\(root)/cache")
        }

        func computed(_ profile: RuntimeProfile = .providedAL2023) throws -> CompatPlan {
            CompatPlan.compute(try CompatLibraries.read(with: locator), profile: profile)
        }
    }

    static func planFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("plan-") }
            .sorted()
    }

    @Test func aHitReturnsTheStoredPlanAndAChangedLibraryMissesIt() throws {
        let sysroot = try Sysroot()
        defer { try? FileManager.default.removeItem(atPath: sysroot.root) }
        let (locator, cache, computed) = (sysroot.locator, sysroot.cache, try sysroot.computed())

        let first = try cache.plan(locator: locator, profile: .providedAL2023)
        #expect(first == computed)
        let files = Self.planFiles(cache.directory)
        try #require(files.count == 1)

        // Proof that the second call reads the file: a plan edited on disk comes back as stored.
        let path = "\(cache.directory)/\(files[0])"
        let stored = try String(contentsOfFile: path, encoding: .utf8)
        try #require(stored.contains("\"provided.al2023\""))
        try stored.replacingOccurrences(of: "\"provided.al2023\"", with: "\"edited\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try cache.plan(locator: locator, profile: .providedAL2023).runtime == "edited")

        // A library changed in place (here only its modification time) misses the cache.
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: "\(sysroot.libraries)/libm.so.6")
        #expect(try cache.plan(locator: locator, profile: .providedAL2023) == computed)
        #expect(Self.planFiles(cache.directory).count == 2)
    }

    @Test func ceilingsAndLinkageHaveTheirOwnEntries() throws {
        let sysroot = try Sysroot()
        defer { try? FileManager.default.removeItem(atPath: sysroot.root) }
        let (locator, cache) = (sysroot.locator, sysroot.cache)
        let libraries = try CompatLibraries.read(with: locator)
        for profile in RuntimeProfile.all {
            for linkage in [LibstdcxxLinkage.shared, .static] {
                #expect(
                    try cache.plan(locator: locator, profile: profile, libstdcxx: linkage)
                        == CompatPlan.compute(libraries, profile: profile, libstdcxx: linkage))
            }
        }
        #expect(Self.planFiles(cache.directory).count == 4)
    }

    @Test func aDryRunStoresNothingAndACorruptEntryIsRecomputed() throws {
        let sysroot = try Sysroot()
        defer { try? FileManager.default.removeItem(atPath: sysroot.root) }
        let (locator, cache, computed) = (sysroot.locator, sysroot.cache, try sysroot.computed())

        #expect(try cache.plan(locator: locator, profile: .providedAL2023, store: false) == computed)
        #expect(!FileManager.default.fileExists(atPath: cache.directory))

        _ = try cache.plan(locator: locator, profile: .providedAL2023)
        let path = "\(cache.directory)/\(try #require(Self.planFiles(cache.directory).first))"
        try "{\"runtime\": 1".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try cache.plan(locator: locator, profile: .providedAL2023) == computed)
        #expect(
            try JSONDecoder().decode(CompatPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path))) == computed)
    }

    @Test func aMissingLibcIsStillAnError() throws {
        let root = try TestProcess.temporaryDirectory("emptyroot")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let locator = LibraryLocator(root: root, architecture: HostLibrariesTests.hostArchitecture)
        #expect(throws: CompatError.self) {
            try CompatPlanCache(directory: "\(root)/cache").plan(locator: locator, profile: .providedAL2023)
        }
    }
}
