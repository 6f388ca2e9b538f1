import Foundation
import LambdaTestSupport
import Testing

extension SharedExamplesSuites {
/// `--output-format zip`, `--extension`, `--include` on the shared Examples
/// build (already compiled, so these runs only package).
@Suite struct ZipOutputTests {
    /// Lists a zip with Python's zipfile: name, Unix mode, size, and whether every CRC checks.
    static let listing = """
        import sys, zipfile, json
        with zipfile.ZipFile(sys.argv[1]) as z:
            print(json.dumps({"bad": z.testzip(), "entries": [[i.filename, i.external_attr >> 16, i.file_size, list(i.date_time)] for i in z.infolist()]}))
        """

    func built() async throws -> SharedExamplesBuild.Built {
        let built = try await SharedExamplesBuild.shared.built()
        try #require(built.result.status == 0, "build failed:\n\(built.result.standardError)")
        return built
    }

    func pythonListing(_ zip: String) throws -> (bad: String?, entries: [[Any]]) {
        let result = try Harness.runProcess("/usr/bin/env", ["python3", "-c", Self.listing, zip], in: "/")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any], "\(result.standardError)")
        return (json["bad"] as? String, json["entries"] as? [[Any]] ?? [])
    }

    func sha256(_ path: String) throws -> String {
        try Harness.runProcess("/usr/bin/sha256sum", [path], in: "/").standardOutput.split(separator: " ").first.map(String.init) ?? ""
    }

    func makeIncludes(in directory: String) throws {
        try FileManager.default.createDirectory(atPath: "\(directory)/conf/deep", withIntermediateDirectories: true)
        try Data(#"{"stage":"test"}"#.utf8).write(to: URL(fileURLWithPath: "\(directory)/conf/app.json"))
        try Data("deep".utf8).write(to: URL(fileURLWithPath: "\(directory)/conf/deep/note.txt"))
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/conf/current.json", withDestinationPath: "app.json")
    }

    @Test func functionZipsAreLambdaCorrectReadableByEveryToolAndReproducible() async throws {
        let built = try await built()
        try makeIncludes(in: built.packageRoot)
        defer { try? FileManager.default.removeItem(atPath: "\(built.packageRoot)/conf") }
        let first = try Harness.temporaryDirectory(prefix: "zip1")
        let arguments = ["build", "--release", "--skip-checks", "--output-format", "zip", "--include", "settings:conf"]
        let run1 = try Harness.run(arguments + ["--lambda-dir", first], in: built.packageRoot)
        try #require(run1.status == 0, "\(run1.standardError)")

        let quotesZip = "\(first)/quotes/bootstrap.zip"
        let listing = try pythonListing(quotesZip)
        #expect(listing.bad == nil)
        let names = listing.entries.map { $0[0] as? String ?? "" }
        // NOTICE.txt is quotes' own include (Examples/swift-lambda.toml), merged with the flag's.
        #expect(names == [
            "Examples_QuoteBook.resources/", "Examples_QuoteBook.resources/quotes.txt", "NOTICE.txt", "bootstrap",
            "settings/", "settings/app.json", "settings/current.json", "settings/deep/", "settings/deep/note.txt",
        ])
        let modes = Dictionary(uniqueKeysWithValues: listing.entries.map { ($0[0] as? String ?? "", $0[1] as? Int ?? 0) })
        #expect(modes["bootstrap"] == 0o100755)
        #expect(modes["settings/app.json"] == 0o100644)
        #expect(modes["settings/deep/"] == 0o40755)
        #expect(modes["settings/current.json"] == 0o120777)
        #expect(listing.entries.allSatisfy { ($0[3] as? [Int]) == [1980, 1, 1, 0, 0, 0] })
        // Every other function's zip has its own bundles only.
        #expect(try pythonListing("\(first)/echo/bootstrap.zip").entries.map { $0[0] as? String ?? "" }.filter { $0.hasSuffix(".resources/") } == [])

        let zipinfo = try Harness.runProcess("/usr/bin/zipinfo", [quotesZip], in: "/")
        #expect(zipinfo.status == 0)
        #expect(zipinfo.standardOutput.contains("-rwxr-xr-x"))
        #expect(zipinfo.standardOutput.contains("lrwxrwxrwx"))
        let bsdtar = try Harness.runProcess("/usr/bin/bsdtar", ["-tvf", quotesZip], in: "/")
        #expect(bsdtar.status == 0)
        #expect(bsdtar.standardOutput.contains("settings/current.json -> app.json"))

        // The summary's hashes are the file's.
        let hex = try sha256(quotesZip)
        #expect(run1.standardOutput.contains("sha256 \(hex)"))
        let base64 = Data(stride(from: 0, to: hex.count, by: 2).map { offset -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
        }).base64EncodedString()
        #expect(run1.standardOutput.contains("base64 \(base64)"))

        // Touch every input (mtimes, a non-executable's mode), build again: same bytes.
        let later = Date(timeIntervalSinceNow: 3600)
        for path in ["conf/app.json", "conf/deep/note.txt", ".build/release/quotes", ".build/release/echo"] {
            try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: "\(built.packageRoot)/\(path)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(built.packageRoot)/conf/app.json")
        let second = try Harness.temporaryDirectory(prefix: "zip2")
        let run2 = try Harness.run(arguments + ["--lambda-dir", second], in: built.packageRoot)
        try #require(run2.status == 0, "\(run2.standardError)")
        for name in ["echo", "greeter", "quotes"] {
            #expect(try sha256("\(first)/\(name)/bootstrap.zip") == sha256("\(second)/\(name)/bootstrap.zip"), "\(name)")
        }
    }

    @Test func sourceDateEpochSetsTheTimestamps() async throws {
        let built = try await built()
        let directory = try Harness.temporaryDirectory(prefix: "epoch")
        var environment = ProcessInfo.processInfo.environment
        environment["SOURCE_DATE_EPOCH"] = "1700000000"  // 2023-11-14 22:13:20 UTC
        let result = try Harness.run(
            ["build", "--release", "--skip-checks", "--product", "echo", "--output-format", "zip", "--lambda-dir", directory],
            in: built.packageRoot, environment: environment)
        try #require(result.status == 0, "\(result.standardError)")
        let listing = try pythonListing("\(directory)/echo/bootstrap.zip")
        #expect(listing.entries.first?[3] as? [Int] == [2023, 11, 14, 22, 13, 20])
    }

    @Test func unpackedZipAnswersAnInvocation() async throws {
        let built = try await built()
        let directory = try Harness.temporaryDirectory(prefix: "unpack")
        let result = try Harness.run(
            ["build", "--release", "--skip-checks", "--product", "quotes", "--output-format", "zip", "--lambda-dir", directory], in: built.packageRoot)
        try #require(result.status == 0, "\(result.standardError)")
        let task = "\(directory)/task"
        let unzip = try Harness.runProcess("/usr/bin/unzip", ["-q", "\(directory)/quotes/bootstrap.zip", "-d", task], in: "/")
        try #require(unzip.status == 0, "\(unzip.standardError)")
        #expect(try Harness.mode(of: "\(task)/bootstrap") == 0o755)
        let body = try await invokeQuotesWithMarkedBundle(in: task)
        #expect(String(decoding: body, as: UTF8.self) == #"{"index":0,"quote":"\#(quotesMarker)"}"#)
    }

    @Test func extensionLayouts() async throws {
        let built = try await built()
        let directory = try Harness.temporaryDirectory(prefix: "ext")
        let external = try Harness.run(
            ["build", "--release", "--skip-checks", "--product", "echo", "--extension", "--output-format", "zip", "--lambda-dir", directory],
            in: built.packageRoot)
        try #require(external.status == 0, "\(external.standardError)")
        #expect(Harness.contents(of: directory) == ["extensions"])
        #expect(Harness.contents(of: "\(directory)/extensions") == ["echo", "echo.zip"])
        #expect(try Harness.mode(of: "\(directory)/extensions/echo") == 0o755)
        let layer = try pythonListing("\(directory)/extensions/echo.zip").entries
        #expect(layer.map { $0[0] as? String ?? "" } == ["extensions/", "extensions/echo"])
        #expect(layer.map { $0[1] as? Int ?? 0 } == [0o40755, 0o100755])

        let internalRun = try Harness.run(
            ["build", "--release", "--skip-checks", "--product", "echo", "--extension", "--internal", "--output-format", "zip", "--lambda-dir", directory],
            in: built.packageRoot)
        try #require(internalRun.status == 0, "\(internalRun.standardError)")
        #expect(try pythonListing("\(directory)/extensions/echo.zip").entries.map { $0[0] as? String ?? "" } == ["echo"])

        let flattened = try Harness.run(
            ["build", "--release", "--skip-checks", "--product", "echo", "--flatten", "echo", "--output-format", "zip", "--lambda-dir", directory],
            in: built.packageRoot)
        try #require(flattened.status == 0, "\(flattened.standardError)")
        #expect(Harness.contents(of: directory) == ["bootstrap", "bootstrap.zip", "extensions"])
    }

    @Test func badIncludesStopBeforeAnythingIsWritten() async throws {
        let built = try await built()
        let directory = try Harness.temporaryDirectory(prefix: "badinc")
        let cases: [([String], String)] = [
            (["--include", "missing.json"], "--include path 'missing.json' does not exist"),
            (["--include", "/abs:Package.swift"], "has an absolute destination"),
            (["--include", "../up:Package.swift"], "climbs out with '..'"),
            (["--include", "bootstrap:Package.swift"], "would overwrite 'bootstrap', the artifact's executable"),
            (["--include", "x:Package.swift", "--include", "x:README.md"], "'x' would be written by both --include Package.swift and --include README.md"),
        ]
        for (extra, message) in cases {
            let result = try Harness.run(
                ["build", "--release", "--skip-checks", "--product", "echo", "--output-format", "zip", "--lambda-dir", directory] + extra,
                in: built.packageRoot)
            #expect(result.status == 1, "\(extra)")
            #expect(result.standardError.contains("error: ") && result.standardError.contains(message), "\(result.standardError)")
            #expect(Harness.contents(of: directory) == [], "\(extra)")
        }
    }

    @Test func usageErrors() async throws {
        let root = try Harness.fixture("tiny")
        let format = try Harness.run(["build", "--output-format", "tar"], in: root)
        #expect(format.status == 64)
        #expect(format.standardError.contains("'tar'") && format.standardError.contains("binary") && format.standardError.contains("zip"))
        #expect(format.standardError.hasPrefix("error: "), "ArgumentParser's errors read as ours (issue 14, item 12)")
        let missing = try Harness.run(["invoke"], in: root)
        #expect(missing.status == 64)
        #expect(missing.standardError.hasPrefix("error: name the function to invoke"), "\(missing.standardError)")
        let internalOnly = try Harness.run(["build", "--internal"], in: root)
        #expect(internalOnly.status == 64)
        #expect(internalOnly.standardError.contains("--internal describes an extension; add --extension"))
    }
}
}
