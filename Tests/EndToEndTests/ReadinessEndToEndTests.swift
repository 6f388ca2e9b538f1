import Foundation
import Testing

extension SharedExamplesSuites {
/// The readiness checks on the real Examples (release, built on this host).
@Suite struct ReadinessEndToEndTests {
    /// Built on this host (Debian 12), greeter and quotes would need GLIBC_2.35 (hypot, hypotf)
    /// and GLIBCXX_3.4.30 (std::condition_variable::wait); with glibc compatibility, on by
    /// default, every function passes. (`--no-glibc-compat` restoring the failure is shown on a
    /// small fixture in GlibcCompatEndToEndTests, so the suite links Foundation only once.)
    @Test func everyFunctionPassesWithGlibcCompat() async throws {
        let built = try await SharedExamplesBuild.shared.built()
        try #require(built.result.status == 0, "\(built.result.standardError)")
        let findings = built.result.standardError.split(separator: "\n").filter { line in
            ["echo", "greeter", "quotes"].contains { line.hasPrefix("warning: \($0):") || line.hasPrefix("error: \($0):") }
        }
        #expect(findings.isEmpty, "\(findings)")
        #expect(built.result.standardError.contains("glibc-compat: hypot from libm.so.6: GLIBC_2.35 -> "))
        #expect(built.result.standardError.contains(
            "glibc-compat: std::condition_variable::wait(std::unique_lock<std::mutex>&) (_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE) from libstdc++.so.6: GLIBCXX_3.4.30 -> GLIBCXX_3.4.11"))
        let verdicts = built.result.standardOutput.split(separator: "\n").filter { $0.contains("checks ") }
        #expect(verdicts.count == 3)
        #expect(verdicts.allSatisfy { $0.contains("checks passed; needs GLIBC_2.34, GLIBCXX_3.4.29; libraries: ") })
        #expect(Harness.contents(of: built.lambdaDirectory) == ["echo", "greeter", "quotes"])
    }

    @Test func olderRuntimeAndUnknownRuntime() async throws {
        let built = try await SharedExamplesBuild.shared.built()
        let directory = try Harness.temporaryDirectory(prefix: "al2")
        let al2 = try Harness.run(["build", "--release", "--product", "echo", "--runtime", "provided.al2", "--lambda-dir", directory], in: built.packageRoot)
        #expect(al2.status == 1)
        #expect(al2.standardError.contains("error: echo: needs GLIBC_2.34 from libc.so.6 (GLIBC_2.26 is the newest on this runtime)"))
        // glibc compatibility cannot reach below glibc 2.34 from a newer host, and says why.
        #expect(al2.standardError.contains(
            "glibc-compat cannot rebind __libc_start_main: the start code of glibc 2.34 and later (crt1.o) passes no constructors to older versions of it"))
        #expect(Harness.contents(of: directory) == [])
        let unknown = try Harness.run(["build", "--runtime", "provided.al1"], in: built.packageRoot)
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("unknown runtime 'provided.al1'; use one of: provided.al2023, provided.al2"))
    }
}
}
