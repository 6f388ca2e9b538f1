import ELFKit
import Foundation
import LambdaTestSupport
import Testing

/// The suites that share one release build of the Examples, run one after
/// another so no run packages while another reads the same build.
@Suite(.serialized) struct SharedExamplesSuites {}

extension SharedExamplesSuites {
/// `swift-lambda build --release` on a copy of the Examples, built once.
@Suite struct ExamplesBuildTests {
    func built() async throws -> SharedExamplesBuild.Built {
        let built = try await SharedExamplesBuild.shared.built()
        try #require(built.result.status == 0, "build failed:\n\(built.result.standardError)")
        return built
    }

    @Test func everyFunctionGetsABootstrapAndOnlyItsOwnBundles() async throws {
        let lambda = try await built().lambdaDirectory
        #expect(Harness.contents(of: lambda) == ["echo", "greeter", "quotes"])
        // Examples/swift-lambda.toml: zips for every function, and quotes' own include.
        #expect(Harness.contents(of: "\(lambda)/echo") == ["bootstrap", "bootstrap.zip"])
        #expect(Harness.contents(of: "\(lambda)/greeter") == ["bootstrap", "bootstrap.zip"])
        #expect(Harness.contents(of: "\(lambda)/quotes") == ["Examples_QuoteBook.resources", "NOTICE.txt", "bootstrap", "bootstrap.zip"])
        #expect(Harness.contents(of: "\(lambda)/quotes/Examples_QuoteBook.resources") == ["quotes.txt"])
        for name in ["echo", "greeter", "quotes"] {
            #expect(try Harness.mode(of: "\(lambda)/\(name)/bootstrap") == 0o755)
            #expect(try Harness.mode(of: "\(lambda)/\(name)") == 0o755)
        }
        #expect(try Harness.mode(of: "\(lambda)/quotes/Examples_QuoteBook.resources/quotes.txt") == 0o644)
    }

    /// The README shows this build's summary; it must be what the current code prints, but for
    /// the time taken and the digests (the bytes depend on the toolchain and the system's libraries,
    /// not on the checkout's path: CheckoutPathTests).
    @Test func theReadmesBuildSampleIsWhatBuildPrints() async throws {
        let printed = try await built().result.standardOutput.split(separator: "\n").map(String.init)
        let readme = try String(contentsOfFile: "\(Harness.repositoryRoot)/README.md", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(readme.firstIndex { $0.hasPrefix("    Built 3 Lambda artifacts") }, "README has no sample summary")
        let sample = readme[start...].prefix { !$0.isEmpty }.map { String($0.dropFirst(4)) }
        func comparable(_ line: String) -> String {
            line.replacing("Examples/target/", with: "target/")
                .replacing(/\sin [0-9.]+s:$/, with: " in <time>:")
                .replacing(/[0-9a-f]{64}/, with: "<sha256>")
                .replacing(/base64 [A-Za-z0-9+\/=]{44}/, with: "base64 <sha256>")
        }
        #expect(sample.map(comparable) == printed.map(comparable))
    }

    @Test func summaryHasOneLinePerArtifact() async throws {
        let output = try await built().result.standardOutput
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Built 3 Lambda artifacts (release) in ") == true)
        for name in ["echo", "greeter", "quotes"] {
            let line = try #require(lines.first { $0.hasSuffix("target/lambda/\(name)/bootstrap") })
            #expect(line.contains(" \(name) "))
            #expect(line.contains("x86_64") || line.contains("arm64"))
            #expect(line.contains("MiB") || line.contains("KiB"))
        }
    }

    @Test func releaseBootstrapIsStrippedAndTheBuildsBinaryIsNot() async throws {
        let built = try await built()
        let source = "\(built.packageRoot)/.build/release/echo"
        let sections = { (path: String) throws -> String in
            try Harness.runProcess("/usr/bin/readelf", ["-S", "-W", path], in: built.packageRoot).standardOutput
        }
        try #require(FileManager.default.fileExists(atPath: "/usr/bin/readelf"))
        #expect(try sections(source).contains(".symtab"))
        #expect(try !sections("\(built.lambdaDirectory)/echo/bootstrap").contains(".symtab"))
        // --disable-optimizations keeps the symbols for debugging.
        let unstripped = try Harness.temporaryDirectory(prefix: "symbols")
        let result = try Harness.run(
            ["build", "--release", "--skip-checks", "--disable-optimizations", "--product", "echo", "--lambda-dir", unstripped], in: built.packageRoot)
        try #require(result.status == 0, "\(result.standardError)")
        #expect(try sections("\(unstripped)/echo/bootstrap").contains(".symtab"))
    }

    @Test func producedBootstrapsAnswerInvocations() async throws {
        let built = try await built()
        let lambda = built.lambdaDirectory

        let cases: [(String, String, String)] = [
            ("echo", #"{"hello":"world"}"#, #"{"hello":"world"}"#),
            ("greeter", #"{"name":"Ada"}"#, #"{"greeting":"Hello, Ada!","length":3}"#),
        ]
        for (name, event, expected) in cases {
            let (outcome, output) = try await LocalInvocation.invoke(taskRoot: "\(lambda)/\(name)", event: Array(event.utf8))
            #expect(outcome == .response(Array(expected.utf8)), "\(name): \(output)")
        }
        let body = try await invokeQuotesWithMarkedBundle(in: "\(lambda)/quotes")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["quote"] as? String == quotesMarker)
    }

    /// REFERENCE.md section 2: the Foundation functions needed hypot/hypotf@GLIBC_2.35 and
    /// condition_variable::wait@GLIBCXX_3.4.30; rebound, they need nothing above provided.al2023.
    @Test func foundationFunctionsNeedNothingAboveTheRuntime() async throws {
        let built = try await built()
        for name in ["echo", "greeter", "quotes"] {
            let file = try ELFFile(contentsOf: "\(built.lambdaDirectory)/\(name)/bootstrap")
            let glibc = try #require(file.maxVersion(prefix: "GLIBC")?.0)
            let glibcxx = try #require(file.maxVersion(prefix: "GLIBCXX")?.0)
            #expect(glibc <= SymbolVersion("GLIBC_2.34")!, "\(name) needs \(glibc)")
            #expect(glibcxx <= SymbolVersion("GLIBCXX_3.4.29")!, "\(name) needs \(glibcxx)")
            #expect(file.maxVersion(prefix: "CXXABI").map { $0.0 <= SymbolVersion("CXXABI_1.3.13")! } ?? true)
            var bound: [String: String] = [:]
            for need in file.versionNeeds {
                for version in need.versions {
                    for symbol in version.symbols { bound[symbol] = version.name }
                }
            }
            #expect(bound["hypot"].map { SymbolVersion($0)! < SymbolVersion("GLIBC_2.35")! } ?? false, "\(name): hypot@\(bound["hypot"] ?? "-")")
            #expect(bound["hypotf"].map { SymbolVersion($0)! < SymbolVersion("GLIBC_2.35")! } ?? false)
            #expect(bound["_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE"] == "GLIBCXX_3.4.11")
        }
        #expect(built.result.standardOutput.contains("glibc-compat: 3 symbols rebound"))
    }

    @Test func onlyTheProductsBuiltInThisRunAreWritten() async throws {
        let built = try await built()
        let elsewhere = try Harness.temporaryDirectory(prefix: "only")
        // A previous artifact of another product, which this run must not touch.
        try FileManager.default.createDirectory(atPath: "\(elsewhere)/greeter", withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: "\(elsewhere)/greeter/bootstrap"))
        let result = try Harness.run(
            ["build", "--release", "--skip-checks", "--product", "echo", "--lambda-dir", elsewhere], in: built.packageRoot)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Harness.contents(of: elsewhere) == ["echo", "greeter"])
        #expect(try String(contentsOfFile: "\(elsewhere)/greeter/bootstrap", encoding: .utf8) == "old")
        #expect(Harness.contents(of: "\(elsewhere)/echo") == ["bootstrap", "bootstrap.zip"])
        #expect(result.standardOutput.contains("Built 1 Lambda artifact (release)"))
    }
}
}

let quotesMarker = "Marked copy beside bootstrap."

/// Copies a quotes artifact, puts a line found nowhere else first in the
/// copy's bundle, and invokes it: a response quoting that line proves the
/// bundle beside bootstrap is the one used (SwiftPM's accessor would fall
/// back to the build directory's bundle). The shared build is not touched.
func invokeQuotesWithMarkedBundle(in artifact: String) async throws -> [UInt8] {
    let copy = "\(try Harness.temporaryDirectory(prefix: "quotes"))/task"
    try FileManager.default.copyItem(atPath: artifact, toPath: copy)
    let quotes = "\(copy)/Examples_QuoteBook.resources/quotes.txt"
    let original = try String(contentsOfFile: quotes, encoding: .utf8)
    try (quotesMarker + "\n" + original).write(toFile: quotes, atomically: true, encoding: .utf8)
    let (outcome, output) = try await LocalInvocation.invoke(taskRoot: copy, event: Array(#"{"index":0}"#.utf8))
    guard case .response(let body) = outcome else {
        Issue.record("quotes answered \(outcome): \(output)")
        return []
    }
    return body
}
