import BuildPlanner
import ELFKit
import Foundation
import GlibcCompat
import LambdaChecks
import LambdaSupport
import Testing

/// The arc4random fallbacks, a static libstdc++, and the aarch64 jump,
/// each on a real link that is then run.
@Suite(.serialized) struct FallbackAndCrossTests {
    static let arc4randomSource = """
        #include <stdint.h>
        #include <stdio.h>
        #include <stdlib.h>
        int main(void) {
            unsigned char bytes[64] = {0};
            arc4random_buf(bytes, sizeof bytes);
            int nonzero = 0;
            for (unsigned i = 0; i < sizeof bytes; i++) nonzero |= bytes[i];
            int below = 1;
            for (int i = 0; i < 10000; i++) below &= arc4random_uniform(10) < 10;
            uint32_t seen = 0;
            for (int i = 0; i < 64; i++) seen |= arc4random();
            printf("buf %s, uniform(1) %u, uniform(10) %s, arc4random %s\\n", nonzero ? "filled" : "empty",
                arc4random_uniform(1), below ? "below 10" : "out of range", seen ? "varies" : "zero");
            return 0;
        }
        """
    static let staticSource = """
        #include <condition_variable>
        #include <cstdio>
        #include <mutex>
        #include <random>
        #include <thread>
        int main() {
            std::random_device device;  // libstdc++ built on glibc 2.36 draws from arc4random
            unsigned seen = 0;
            for (int i = 0; i < 64; i++) seen |= device();
            std::mutex mutex;
            std::condition_variable condition;
            bool ready = false;
            std::unique_lock<std::mutex> lock(mutex);
            std::thread notifier([&] { std::lock_guard<std::mutex> guard(mutex); ready = true; condition.notify_one(); });
            while (!ready) condition.wait(lock);
            lock.unlock();
            notifier.join();
            std::printf("random_device %s, condition_variable ok\\n", seen ? "varies" : "zero");
            return 0;
        }
        """
    static let expectedArc4random = "buf filled, uniform(1) 0, uniform(10) below 10, arc4random varies\n"

    static func needs(_ file: ELFFile, _ symbol: String) -> String? {
        for need in file.versionNeeds {
            for version in need.versions where version.symbols.contains(symbol) { return version.name }
        }
        return nil
    }

    @Test func arc4randomFallbacksReplaceGlibc236() async throws {
        let clang = try #require(TestProcess.clang)
        let directory = try TestProcess.temporaryDirectory("arc4random")
        let (plan, script, _) = try await ShimLinkTests.shim(.shared, cache: "\(directory)/compat", clang: clang)
        try #require(!plan.fallbacks.isEmpty, "this host's glibc has no arc4random above the ceiling")
        try Self.arc4randomSource.write(toFile: "\(directory)/main.c", atomically: true, encoding: .utf8)
        // Linked as swiftc links: with libstdc++, which the shim's libstdc++ rebindings reference.
        let cxx = (clang as NSString).deletingLastPathComponent + "/clang++"
        try TestProcess.output(clang, ["-c", "\(directory)/main.c", "-o", "\(directory)/main.o"])
        try TestProcess.output(cxx, ["\(directory)/main.o", "-o", "\(directory)/plain"])
        try TestProcess.output(cxx, ["\(directory)/main.o", script, "-o", "\(directory)/with-shim"])
        #expect(Self.needs(try ELFFile(contentsOf: "\(directory)/plain"), "arc4random") == "GLIBC_2.36")
        let compat = try ELFFile(contentsOf: "\(directory)/with-shim")
        #expect(compat.dynamicSymbols.allSatisfy { !$0.name.hasPrefix("arc4random") })
        #expect(try #require(compat.maxVersion(prefix: "GLIBC")?.0) <= SymbolVersion("GLIBC_2.34")!)
        #expect(Self.needs(compat, "getrandom") == "GLIBC_2.25")
        #expect(try TestProcess.output("\(directory)/plain", []) == Self.expectedArc4random)
        #expect(try TestProcess.output("\(directory)/with-shim", []) == Self.expectedArc4random)
    }

    @Test func aStaticLibstdcxxLinksFromThePrivateDirectory() async throws {
        let clang = try #require(TestProcess.clang)
        let cxx = (clang as NSString).deletingLastPathComponent + "/clang++"
        let archive = try TestProcess.output(cxx, ["-print-file-name=libstdc++.a"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        try #require(archive.hasPrefix("/"), "no libstdc++.a for this host (install libstdc++-dev)")
        let directory = try TestProcess.temporaryDirectory("static")
        let cache = "\(directory)/compat"
        let shared = try await ShimLinkTests.shim(.shared, cache: cache, clang: clang)
        let (_, _, _) = shared
        let libraries = try CompatLibraries.read(with: LibraryLocator(architecture: ShimLinkTests.hostArchitecture))
        let plan = CompatPlan.compute(libraries, profile: .providedAL2023, libstdcxx: .static)
        let builder = ShimBuilder(clang: clang, triple: ShimLinkTests.hostTriple, cacheDirectory: cache)
        let staticObject = try await builder.build(
            ShimSource.make(plan, architecture: ShimLinkTests.hostArchitecture),
            runner: SubprocessRunner(environment: ProcessInfo.processInfo.environment))
        let linkage = CompatLinkage(
            directory: cache, triple: ShimLinkTests.hostTriple,
            sharedObject: try String(contentsOfFile: shared.script, encoding: .utf8).components(separatedBy: "\"")[1])
        try linkage.useStatic(object: staticObject.path, archive: archive)
        #expect(try FileManager.default.contentsOfDirectory(atPath: linkage.libraryDirectory) == ["libstdc++.a"])

        try Self.staticSource.write(toFile: "\(directory)/main.cpp", atomically: true, encoding: .utf8)
        // As swiftc passes it: the private -L before the toolchain's own directories.
        try TestProcess.output(
            cxx,
            ["-L\(linkage.libraryDirectory)", "\(directory)/main.cpp", linkage.script, "-o", "\(directory)/static"])
        try TestProcess.output(
            cxx, ["-L\(linkage.libraryDirectory)", "\(directory)/main.cpp", "-o", "\(directory)/static-plain"])
        let file = try ELFFile(contentsOf: "\(directory)/static")
        #expect(!file.needed.contains("libstdc++.so.6"))
        #expect(file.maxVersion(prefix: "GLIBCXX") == nil)
        #expect(try #require(file.maxVersion(prefix: "GLIBC")?.0) <= SymbolVersion("GLIBC_2.34")!)
        // Without the shim the same static link needs arc4random@GLIBC_2.36 (REFERENCE.md section 2).
        let plain = try ELFFile(contentsOf: "\(directory)/static-plain")
        #expect(!plain.needed.contains("libstdc++.so.6"))
        #expect(Self.needs(plain, "arc4random").map { SymbolVersion($0)! > SymbolVersion("GLIBC_2.34")! } ?? true)
        #expect(try TestProcess.output("\(directory)/static", []) == "random_device varies, condition_variable ok\n")

        // Back to the default: the script names the shared shim, the directory is empty.
        try linkage.useShared()
        #expect(try FileManager.default.contentsOfDirectory(atPath: linkage.libraryDirectory).isEmpty)
        #expect(try String(contentsOfFile: linkage.script, encoding: .utf8) == "INPUT(\"\(linkage.sharedObject)\")\n")
        // Asked again, with nothing to change, the script is left as it is (same inode and time).
        let before = FileSystem.stamp(of: linkage.script)
        try linkage.useShared()
        #expect(FileSystem.stamp(of: linkage.script) == before)
    }

    /// aarch64: the plan from Debian's arm64 cross libraries, the shim compiled by the toolchain's clang
    /// for aarch64, linked by the cross gcc and run under qemu.
    @Test func aarch64ReboundFixtureRunsUnderQemu() async throws {
        let clang = try #require(TestProcess.clang)
        let root = "/usr/aarch64-linux-gnu"
        let gcc = "/usr/bin/aarch64-linux-gnu-gcc"
        let qemu = ["/usr/bin/qemu-aarch64", "/usr/bin/qemu-aarch64-static"].first(where: TestProcess.isExecutable)
        try #require(TestProcess.isExecutable(gcc), "needs gcc-aarch64-linux-gnu (scripts/install-deps)")
        let emulator = try #require(qemu, "needs qemu-user (scripts/install-deps)")
        let directory = try TestProcess.temporaryDirectory("aarch64")
        // A C program: no libstdc++ in the link, so none in the plan (the shim's references
        // are strong, so a libstdc++ rebinding would need libstdc++ linked, as Swift always does).
        let libraries = try CompatLibraries.read(with: LibraryLocator(root: root, architecture: .aarch64))
            .filter { $0.soname != CompatLibraries.libstdcxx }
        let plan = CompatPlan.compute(libraries, profile: .providedAL2023)
        try #require(plan.rebindings.contains { $0.symbol == "hypot" }, "the arm64 libm has no hypot@@GLIBC_2.35")
        let builder = ShimBuilder(
            clang: clang, triple: "aarch64-unknown-linux-gnu", cacheDirectory: "\(directory)/compat")
        let object = try await builder.build(
            ShimSource.make(plan, architecture: .aarch64),
            runner: SubprocessRunner(environment: ProcessInfo.processInfo.environment))
        #expect(try ELFHeader(contentsOf: object.path).machine == .aarch64)

        try (ShimLinkTests.mathSource + "\nint main(void) { report_math(); return 0; }\n")
            .write(toFile: "\(directory)/math.c", atomically: true, encoding: .utf8)
        try TestProcess.output(gcc, ["-O1", "-fno-builtin", "\(directory)/math.c", "-lm", "-o", "\(directory)/plain"])
        try TestProcess.output(
            gcc, ["-O1", "-fno-builtin", "\(directory)/math.c", object.path, "-lm", "-o", "\(directory)/rebound"])
        let rebound = try ELFFile(contentsOf: "\(directory)/rebound")
        #expect(rebound.header.machine == .aarch64)
        #expect(Self.needs(rebound, "hypot") == "GLIBC_2.17")
        #expect(Self.needs(rebound, "hypotf") == "GLIBC_2.17")
        #expect(try #require(rebound.maxVersion(prefix: "GLIBC")?.0) <= SymbolVersion("GLIBC_2.34")!)
        let expected = try TestProcess.output(emulator, ["-L", root, "\(directory)/plain"])
        let actual = try TestProcess.output(emulator, ["-L", root, "\(directory)/rebound"])
        #expect(actual == expected)
        #expect(actual.contains("hypot(0x1.8p+1, 0x1p+2) = 0x1.4p+2 errno=0"))
    }
}
