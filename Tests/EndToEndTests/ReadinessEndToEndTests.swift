import Foundation
import Testing

extension SharedExamplesSuites {
/// The readiness checks on the real Examples (release, built on this host).
@Suite struct ReadinessEndToEndTests {
    @Test func foundationFunctionsAreReportedAndNotWritten() async throws {
        let built = try await SharedExamplesBuild.shared.built()
        try #require(built.result.status == 0, "\(built.result.standardError)")
        let directory = try Harness.temporaryDirectory(prefix: "checks")
        let result = try Harness.run(["build", "--release", "--lambda-dir", directory], in: built.packageRoot)
        #expect(result.status == 1)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        let quotes = lines.filter { $0.hasPrefix("error: quotes: ") }
        #expect(quotes.contains("error: quotes: needs GLIBC_2.35 from libm.so.6 (GLIBC_2.34 is the newest on this runtime) for hypot, hypotf"))
        #expect(quotes.contains { $0.contains("needs GLIBCXX_3.4.30 from libstdc++.so.6 (GLIBCXX_3.4.29 is the newest on this runtime) for std::condition_variable::wait(std::unique_lock<std::mutex>&)") })
        #expect(lines.contains { $0.hasPrefix("error: greeter: needs GLIBC_2.35 from libm.so.6") })
        #expect(lines.last == "error: greeter, quotes would not start on provided.al2023 (see above) and were not written; choose a way out above or pass --skip-checks")
        // The artifact that passes is written; the failing ones are not, and nothing is left staged.
        #expect(Harness.contents(of: directory) == ["echo"])
        #expect(result.standardOutput.contains("checks passed; needs GLIBC_2.34, GLIBCXX_3.4.29; libraries: libm.so.6, libstdc++.so.6, libgcc_s.so.1, libc.so.6, ld-linux-x86-64.so.2"))
    }

    @Test func skipChecksWritesThemAndSaysSo() async throws {
        let built = try await SharedExamplesBuild.shared.built()
        #expect(built.result.status == 0)
        #expect(built.result.standardError.contains("warning: quotes: needs GLIBC_2.35"))
        #expect(built.result.standardOutput.contains("checks FAILED (written with --skip-checks)"))
        #expect(Harness.contents(of: built.lambdaDirectory) == ["echo", "greeter", "quotes"])
    }

    @Test func olderRuntimeAndUnknownRuntime() async throws {
        let built = try await SharedExamplesBuild.shared.built()
        let directory = try Harness.temporaryDirectory(prefix: "al2")
        let al2 = try Harness.run(["build", "--release", "--product", "echo", "--runtime", "provided.al2", "--lambda-dir", directory], in: built.packageRoot)
        #expect(al2.status == 1)
        #expect(al2.standardError.contains("error: echo: needs GLIBC_2.34 from libc.so.6 (GLIBC_2.26 is the newest on this runtime)"))
        #expect(al2.standardError.contains("GLIBCXX_3.4.29 from libstdc++.so.6 (GLIBCXX_3.4.24 is the newest on this runtime)"))
        #expect(Harness.contents(of: directory) == [])
        let unknown = try Harness.run(["build", "--runtime", "provided.al1"], in: built.packageRoot)
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("unknown runtime 'provided.al1'; use one of: provided.al2023, provided.al2"))
    }
}
}
