import BuildPlanner
import ELFKit
import Foundation
import LambdaChecks
import Testing

/// Real binaries, compiled per test run by the host's compilers, judged
/// against the runtime profiles.
enum Fixtures {
    static let directory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("checks-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Compiles `source` (named `file`) with `compiler` and returns the binary's path.
    static func build(_ file: String, _ source: String, compiler: String, arguments: [String] = []) throws -> String {
        let input = "\(directory)/\(file)"
        let output = "\(directory)/\((file as NSString).deletingPathExtension)-\(compiler.split(separator: "/").last ?? "")"
        try source.write(toFile: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [compiler, "-o", output, input] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return output
    }

    static let hypot = """
        #include <math.h>
        #include <stdio.h>
        int main(int argc, char **argv) { (void)argv; printf("%f\\n", hypot((double)argc, 2.0)); return 0; }
        """
    static let conditionVariable = """
        #include <condition_variable>
        #include <mutex>
        std::mutex m; std::condition_variable cv; bool ready = true;
        int main() { std::unique_lock<std::mutex> lock(m); while (!ready) cv.wait(lock); return 0; }
        """
    static let yaml = """
        #include <yaml.h>
        int main(void) { yaml_parser_t parser; yaml_parser_initialize(&parser); yaml_parser_delete(&parser); return 0; }
        """
    static let plain = "int main(void) { return 0; }\n"
}

let x86 = LambdaTarget(architecture: .x86_64, libc: .glibc)
let al2023 = RuntimeProfile.providedAL2023

func facts(_ path: String, bundled: [String: ELFFile] = [:], size: Int64 = 1000, zip: Int64? = nil) throws -> ArtifactFacts {
    ArtifactFacts(executable: try ELFFile(contentsOf: path), bundled: bundled, unzippedBytes: size, zipBytes: zip)
}

@Suite struct ReadinessCheckTests {
    @Test func aPlainBinaryPassesOnAL2023ButNotOnAL2() throws {
        let binary = try Fixtures.build("plain.c", Fixtures.plain, compiler: "gcc")
        let report = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: al2023)
        #expect(report.passed, "\(report.findings)")
        #expect(report.libraries.map(\.soname) == ["libc.so.6"])
        #expect(report.highestGLIBC.map { SymbolVersion($0)! <= SymbolVersion("GLIBC_2.34")! } == true)
        // __libc_start_main@GLIBC_2.34 is above Amazon Linux 2's glibc 2.26.
        let al2 = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: .providedAL2)
        #expect(al2.errors.contains { if case .versionTooNew(_, "GLIBC_2.34", "GLIBC_2.26", let symbols) = $0.kind { symbols.contains("__libc_start_main") } else { false } })
    }

    @Test func hypotNeedsAGlibcNewerThanAL2023s() throws {
        let binary = try Fixtures.build("hypot.c", Fixtures.hypot, compiler: "gcc", arguments: ["-lm"])
        let report = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: al2023)
        #expect(report.errors == [Finding(severity: .error, kind: .versionTooNew(library: "libm.so.6", version: "GLIBC_2.35", ceiling: "GLIBC_2.34", symbols: ["hypot"]))])
        #expect(report.highestGLIBC == "GLIBC_2.35")
        #expect(report.errors[0].description == "needs GLIBC_2.35 from libm.so.6 (runtime has up to GLIBC_2.34) for hypot")
    }

    @Test func conditionVariableWaitNeedsANewerLibstdcxx() throws {
        let binary = try Fixtures.build("wait.cpp", Fixtures.conditionVariable, compiler: "g++")
        let report = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: al2023)
        let tooNew = report.errors.compactMap { finding -> (String, [String])? in
            if case .versionTooNew("libstdc++.so.6", let version, "GLIBCXX_3.4.29", let symbols) = finding.kind { return (version, symbols) }
            return nil
        }
        #expect(tooNew.map(\.0) == ["GLIBCXX_3.4.30"])
        #expect(tooNew.first?.1 == ["_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE"])
        #expect(report.highestGLIBCXX == "GLIBCXX_3.4.30")
    }

    @Test func aLibraryTheRuntimeLacksIsAnErrorUnlessBundled() throws {
        let binary = try Fixtures.build("yaml.c", Fixtures.yaml, compiler: "gcc", arguments: ["-lyaml"])
        let report = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: al2023)
        #expect(report.errors.contains(Finding(severity: .error, kind: .libraryMissing(soname: "libyaml-0.so.2"))))
        let library = try ELFFile(contentsOf: "/usr/lib/x86_64-linux-gnu/libyaml-0.so.2")
        let bundled = ReadinessCheck.evaluate(try facts(binary, bundled: ["libyaml-0.so.2": library]), target: x86, profile: al2023)
        #expect(bundled.passed, "\(bundled.findings)")
        #expect(bundled.libraries.first { $0.soname == "libyaml-0.so.2" }?.bundled == true)
    }

    @Test func librariesPresentOnlyAsDependenciesAreWarnedAbout() throws {
        let binary = try Fixtures.build("curl.c", Fixtures.plain, compiler: "gcc", arguments: ["-Wl,--no-as-needed", "/usr/lib/x86_64-linux-gnu/libcurl.so.4"])
        let report = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: al2023)
        #expect(report.passed)
        #expect(report.warnings == [Finding(severity: .warning, kind: .libraryNotPromised(soname: "libcurl.so.4"))])
        #expect(report.warnings[0].description.contains("present in the runtime today, not promised"))
        // Amazon Linux 2 makes no such promise either way: there it is missing.
        let al2 = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: .providedAL2)
        #expect(al2.errors.contains(Finding(severity: .error, kind: .libraryMissing(soname: "libcurl.so.4"))))
    }

    @Test func aDynamicSwiftRuntimeIsAnError() throws {
        let binary = try Fixtures.build("hello.swift", "print(\"hello\")\n", compiler: "swiftc")
        let report = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: al2023)
        let dynamic = report.errors.compactMap { if case .dynamicSwiftRuntime(let libraries) = $0.kind { libraries } else { nil } }
        #expect(dynamic.first?.contains("libswiftCore.so") == true)
        #expect(!report.errors.contains { if case .libraryMissing("libswiftCore.so") = $0.kind { true } else { false } })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/aarch64-linux-gnu-gcc")))
    func theWrongArchitectureIsAnError() throws {
        let binary = try Fixtures.build("arm.c", Fixtures.plain, compiler: "aarch64-linux-gnu-gcc")
        let report = ReadinessCheck.evaluate(try facts(binary), target: x86, profile: al2023)
        #expect(report.errors.contains(Finding(severity: .error, kind: .architecture(found: "arm64", expected: "x86_64"))))
        let arm = ReadinessCheck.evaluate(try facts(binary), target: LambdaTarget(architecture: .aarch64, libc: .glibc), profile: al2023)
        #expect(arm.passed, "\(arm.findings)")
    }

    @Test func sizeLimits() throws {
        let binary = try Fixtures.build("plain.c", Fixtures.plain, compiler: "gcc")
        let big = ReadinessCheck.evaluate(try facts(binary, size: LambdaLimits.unzippedBytes + 1, zip: LambdaLimits.directUploadZipBytes + 1), target: x86, profile: al2023)
        #expect(big.errors == [Finding(severity: .error, kind: .unzippedTooLarge(bytes: LambdaLimits.unzippedBytes + 1, limit: LambdaLimits.unzippedBytes))])
        #expect(big.warnings == [Finding(severity: .warning, kind: .zipTooLargeForDirectUpload(bytes: LambdaLimits.directUploadZipBytes + 1, limit: LambdaLimits.directUploadZipBytes))])
        let fits = ReadinessCheck.evaluate(try facts(binary, size: LambdaLimits.unzippedBytes, zip: LambdaLimits.directUploadZipBytes), target: x86, profile: al2023)
        #expect(fits.findings.isEmpty)
    }

    @Test func profilesAndTheirCeilings() throws {
        #expect(try RuntimeProfile.named("provided.al2023") == al2023)
        #expect(throws: CheckError.unknownRuntime("provided.al1", known: ["provided.al2023", "provided.al2"])) { try RuntimeProfile.named("provided.al1") }
        #expect(al2023.ceiling(for: "GLIBC") == "GLIBC_2.34")
        #expect(RuntimeProfile.providedAL2.ceiling(for: "GLIBCXX") == "GLIBCXX_3.4.24")
        #expect(al2023.libraries.isSuperset(of: ["libc.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "libssl.so.3", "libcrypto.so.3"]))
        #expect(RuntimeProfile.providedAL2.libraries.contains("libssl.so.10"))
        #expect(!RuntimeProfile.providedAL2.libraries.contains("libssl.so.3"))
    }
}
