import BuildPlanner
import ELFKit
import Foundation
import GlibcCompat
import LambdaChecks
import LambdaSupport
import Testing

/// The shim on real links: a generated C and C++ fixture calling hypot,
/// hypotf and std::condition_variable::wait, linked once as the host links
/// it and once with the shim, by each of the three linkers; both run, and
/// the rebound one must print exactly what the other prints (values and
/// errno) while needing nothing above the runtime's ceilings.
@Suite(.serialized) struct ShimLinkTests {
    static let mathSource = """
        #include <errno.h>
        #include <float.h>
        #include <math.h>
        #include <stdio.h>
        /* volatile: computed at run time by the library, never folded by the compiler. */
        static volatile double dcases[][2] = {{3, 4}, {-3, -4}, {0, 0}, {DBL_MAX, DBL_MAX}, {DBL_MAX, 1}, {INFINITY, NAN},
            {NAN, INFINITY}, {NAN, 1}, {0x1p-1074, 0x1p-1074}, {DBL_MIN, DBL_MIN}, {0x1p-1030, 0x1p-1040}, {1e308, 1e308},
            {0x1.fffffffffffffp1023, 0x1p970}, {1, 0x1p-60}};
        static volatile float fcases[][2] = {{3, 4}, {FLT_MAX, FLT_MAX}, {INFINITY, NAN}, {NAN, 1}, {0x1p-149f, 0x1p-149f},
            {FLT_MIN, FLT_MIN}, {3e38f, 3e38f}, {0x1p-140f, 0x1p-146f}};
        void report_math(void) {
            for (unsigned i = 0; i < sizeof dcases / sizeof dcases[0]; i++) {
                double a = dcases[i][0], b = dcases[i][1];
                errno = 0;
                double r = hypot(a, b);
                int e = errno;
                printf("hypot(%a, %a) = %a errno=%d\\n", a, b, r, e);
            }
            for (unsigned i = 0; i < sizeof fcases / sizeof fcases[0]; i++) {
                float a = fcases[i][0], b = fcases[i][1];
                errno = 0;
                float r = hypotf(a, b);
                int e = errno;
                printf("hypotf(%a, %a) = %a errno=%d\\n", (double)a, (double)b, (double)r, e);
            }
        }
        """
    static let waitSource = """
        #include <condition_variable>
        #include <cstdio>
        #include <mutex>
        #include <thread>
        extern "C" void report_wait() {
            std::mutex mutex;
            std::condition_variable condition;
            bool ready = false;
            int waits = 0;
            std::unique_lock<std::mutex> lock(mutex);
            // The thread needs the mutex, which only wait() releases: wait runs at least once.
            std::thread notifier([&] { std::lock_guard<std::mutex> guard(mutex); ready = true; condition.notify_one(); });
            while (!ready) { condition.wait(lock); ++waits; }
            lock.unlock();
            notifier.join();
            std::printf("condition_variable::wait woke %s\\n", waits >= 1 ? "after notify" : "never");
        }
        """
    static let mainSource = """
        void report_math(void);
        void report_wait(void);
        int main(void) { report_math(); report_wait(); return 0; }
        """

    static let hostArchitecture = HostLibrariesTests.hostArchitecture
    static var hostTriple: String { "\(hostArchitecture.rawValue)-unknown-linux-gnu" }

    /// The fixture's objects, compiled once.
    struct Objects {
        var directory: String
        var main: String, math: String, wait: String
    }

    static func compileFixture(clang: String) throws -> Objects {
        let directory = try TestProcess.temporaryDirectory("fixture")
        for (name, source) in [("main.c", mainSource), ("math.c", mathSource), ("wait.cpp", waitSource)] {
            try source.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
        let cxx = (clang as NSString).deletingLastPathComponent + "/clang++"
        try TestProcess.output(
            clang, ["-O1", "-fno-builtin", "-fPIC", "-c", "\(directory)/main.c", "-o", "\(directory)/main.o"])
        try TestProcess.output(
            clang, ["-O1", "-fno-builtin", "-fPIC", "-c", "\(directory)/math.c", "-o", "\(directory)/math.o"])
        try TestProcess.output(cxx, ["-O1", "-fPIC", "-c", "\(directory)/wait.cpp", "-o", "\(directory)/wait.o"])
        return Objects(
            directory: directory, main: "\(directory)/main.o", math: "\(directory)/math.o", wait: "\(directory)/wait.o")
    }

    /// The shim for this host and provided.al2023, as the build makes it, and a linker
    /// script naming it, as the build passes it.
    static func shim(_ libstdcxx: LibstdcxxLinkage, cache: String, clang: String) async throws -> (
        plan: CompatPlan, script: String, reused: Bool
    ) {
        let libraries = try CompatLibraries.read(with: LibraryLocator(architecture: hostArchitecture))
        let plan = CompatPlan.compute(libraries, profile: .providedAL2023, libstdcxx: libstdcxx)
        let builder = ShimBuilder(clang: clang, triple: hostTriple, cacheDirectory: cache)
        let built = try await builder.build(
            ShimSource.make(plan, architecture: hostArchitecture),
            runner: SubprocessRunner(environment: ProcessInfo.processInfo.environment))
        let linkage = CompatLinkage(directory: cache, triple: hostTriple, sharedObject: built.path)
        try linkage.useShared()
        return (plan, linkage.script, built.reused)
    }

    static func highest(_ prefix: String, in file: ELFFile) -> SymbolVersion? { file.maxVersion(prefix: prefix)?.0 }

    @Test(arguments: ["gold", "bfd", "lld"])
    func reboundFixturePrintsWhatTheHostBuildPrints(linker: String) async throws {
        let clang = try #require(TestProcess.clang)
        let cxx = (clang as NSString).deletingLastPathComponent + "/clang++"
        let objects = try Self.compileFixture(clang: clang)
        let cache = "\(objects.directory)/compat"
        let (plan, script, _) = try await Self.shim(.shared, cache: cache, clang: clang)
        let libraries = try CompatLibraries.read(with: LibraryLocator(architecture: Self.hostArchitecture))
        try #require(
            libraries.first { $0.soname == "libm.so.6" }?.definedVersions.contains("GLIBC_2.35") == true,
            "this host's libm has no hypot@@GLIBC_2.35 to rebind")

        let inputs = [objects.main, objects.math, objects.wait]
        let plain = "\(objects.directory)/plain-\(linker)"
        let rebound = "\(objects.directory)/rebound-\(linker)"
        try TestProcess.output(cxx, ["-fuse-ld=\(linker)"] + inputs + ["-lm", "-o", plain])
        try TestProcess.output(cxx, ["-fuse-ld=\(linker)"] + inputs + [script, "-lm", "-o", rebound])

        // The plain link needs what the host has; the rebound one stays within provided.al2023.
        let plainFile = try ELFFile(contentsOf: plain)
        let reboundFile = try ELFFile(contentsOf: rebound)
        #expect(Self.highest("GLIBC", in: plainFile)?.description == "GLIBC_2.35")
        #expect(try #require(Self.highest("GLIBC", in: reboundFile)) <= SymbolVersion("GLIBC_2.34")!)
        #expect(try #require(Self.highest("GLIBCXX", in: reboundFile)) <= SymbolVersion("GLIBCXX_3.4.29")!)
        let check = ReadinessCheck.evaluate(
            ArtifactFacts(executable: reboundFile, unzippedBytes: 1),
            target: LambdaTarget(architecture: Self.hostArchitecture, libc: .glibc),
            profile: .providedAL2023)
        #expect(check.passed, "\(check.findings)")
        let compat = ArtifactCompat.inspect(reboundFile, plan: plan, linkedStatically: false)
        let base = Self.hostArchitecture == .x86_64 ? "GLIBC_2.2.5" : "GLIBC_2.17"
        #expect(compat.rebound.map { "\($0.symbol)@\($0.bound)" }.contains("hypot@\(base)"))
        #expect(compat.rebound.map { "\($0.symbol)@\($0.bound)" }.contains("hypotf@\(base)"))
        #expect(compat.rebound.map(\.symbol).contains("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE"))

        // Same values, same errno, and the condition variable works.
        let expected = try TestProcess.output(plain, [])
        let actual = try TestProcess.output(rebound, [])
        #expect(actual == expected)
        #expect(actual.contains("errno=34"), "the overflow cases set ERANGE")
        #expect(actual.hasSuffix("condition_variable::wait woke after notify\n"))
    }

    @Test func theObjectIsCachedByContent() async throws {
        let clang = try #require(TestProcess.clang)
        let cache = try TestProcess.temporaryDirectory("cache")
        let first = try await Self.shim(.shared, cache: cache, clang: clang)
        let object = try String(contentsOfFile: first.script, encoding: .utf8)
        let attributes = try FileManager.default.attributesOfItem(
            atPath:
                "\(cache)/\(try #require(FileManager.default.contentsOfDirectory(atPath: cache).first { $0.hasSuffix(".o") }))"
        )
        let second = try await Self.shim(.shared, cache: cache, clang: clang)
        #expect(!first.reused)
        #expect(second.reused)
        #expect(try String(contentsOfFile: second.script, encoding: .utf8) == object)
        let again = try FileManager.default.attributesOfItem(
            atPath:
                "\(cache)/\(try #require(FileManager.default.contentsOfDirectory(atPath: cache).first { $0.hasSuffix(".o") }))"
        )
        #expect(again[.modificationDate] as? Date == attributes[.modificationDate] as? Date)
        // Another plan (static libstdc++) is another object beside it.
        let other = try await Self.shim(.static, cache: cache, clang: clang)
        #expect(!other.reused)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".o") }.count == 2)
    }

    /// The shim's symbols, read with GNU readelf: hidden definitions, versioned references.
    @Test func theObjectDefinesHiddenNamesAndReferencesOldVersions() async throws {
        let clang = try #require(TestProcess.clang)
        let cache = try TestProcess.temporaryDirectory("symbols")
        let (plan, script, _) = try await Self.shim(.shared, cache: cache, clang: clang)
        let object =
            try String(contentsOfFile: script, encoding: .utf8)
            .components(separatedBy: "\"").dropFirst().first ?? ""
        let symbols = try TestProcess.output("/usr/bin/readelf", ["-W", "-s", object])
        for rebinding in plan.rebindings {
            #expect(
                symbols.split(separator: "\n").contains {
                    $0.hasSuffix(" \(rebinding.symbol)") && $0.contains("HIDDEN") && !$0.contains(" UND ")
                })
            #expect(
                symbols.split(separator: "\n").contains {
                    $0.hasSuffix(" \(rebinding.symbol)@\(rebinding.bound)") && $0.contains(" UND ")
                })
        }
        for fallback in plan.fallbacks {
            #expect(
                symbols.split(separator: "\n").contains { $0.hasSuffix(" \(fallback.symbol)") && $0.contains("HIDDEN") }
            )
        }
    }
}
