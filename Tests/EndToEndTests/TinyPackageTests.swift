import Foundation
import Testing

/// Flags and failures on a two-product package that compiles in seconds.
@Suite struct TinyPackageTests {
    @Test func flattenPutsOneBootstrapInTheLambdaDirectory() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--flatten", "Hello"], in: root)
        #expect(result.status == 0, "\(result.standardError)")
        let lambda = "\(root)/target/lambda"
        #expect(Harness.contents(of: lambda) == ["Bye", "bootstrap"])
        #expect(Harness.contents(of: "\(lambda)/Bye") == ["bootstrap"])
        let run = try Harness.runProcess("\(lambda)/bootstrap", [], in: lambda)
        #expect(run.standardOutput == "hello from tiny\n")
        #expect(try Harness.mode(of: "\(lambda)/bootstrap") == 0o755)
    }

    @Test func includesAreCopiedBesideBootstrapInBinaryMode() throws {
        let root = try Harness.fixture("tiny")
        try FileManager.default.createDirectory(atPath: "\(root)/assets/img", withIntermediateDirectories: true)
        try Data("png".utf8).write(to: URL(fileURLWithPath: "\(root)/assets/img/logo.png"))
        try Data("k=v".utf8).write(to: URL(fileURLWithPath: "\(root)/app.conf"))
        let result = try Harness.run(
            ["build", "--product", "Hello", "--include", "assets", "--include", "etc/app.conf:app.conf"], in: root)
        #expect(result.status == 0, "\(result.standardError)")
        let artifact = "\(root)/target/lambda/Hello"
        #expect(Harness.contents(of: artifact) == ["assets", "bootstrap", "etc"])
        #expect(try String(contentsOfFile: "\(artifact)/assets/img/logo.png", encoding: .utf8) == "png")
        #expect(try String(contentsOfFile: "\(artifact)/etc/app.conf", encoding: .utf8) == "k=v")
        #expect(try Harness.mode(of: "\(artifact)/etc/app.conf") == 0o644)
        #expect(try Harness.mode(of: "\(artifact)/assets/img") == 0o755)
        // A second build without the include replaces the directory whole: nothing stale stays.
        let again = try Harness.run(["build", "--product", "Hello"], in: root)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(Harness.contents(of: artifact) == ["bootstrap"])
        #expect(Harness.contents(of: "\(root)/target/lambda").allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func sizeLimitsCountIncludes() throws {
        let root = try Harness.fixture("tiny")
        // 51 MiB that do not compress: the zip is over the direct-upload limit, a warning.
        let urandom = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        try urandom.readData(ofLength: 51 * 1024 * 1024).write(to: URL(fileURLWithPath: "\(root)/noise.bin"))
        let warned = try Harness.run(["build", "--product", "Hello", "--output-format", "zip", "--include", "noise.bin"], in: root)
        #expect(warned.status == 0, "\(warned.standardError)")
        #expect(warned.standardError.contains("warning: Hello: zip is "))
        #expect(warned.standardError.contains("over the 52428800-byte limit for direct upload (upload it through S3)"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/target/lambda/Hello/bootstrap.zip"))
        // 251 MiB (sparse) unzipped is over Lambda's limit: an error, and the previous artifact stays.
        let big = "\(root)/big.bin"
        _ = FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 251 * 1024 * 1024)
        try handle.close()
        let failed = try Harness.run(["build", "--product", "Hello", "--include", "big.bin"], in: root)
        #expect(failed.status == 1)
        #expect(failed.standardError.contains("error: Hello: is "))
        #expect(failed.standardError.contains("bytes unzipped, over Lambda's 262144000-byte limit for a function and its layers"))
        #expect(Harness.contents(of: "\(root)/target/lambda/Hello") == ["bootstrap", "bootstrap.zip", "noise.bin"])
    }

    @Test func dryRunPrintsThePlanAndWritesNothing() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--release", "--dry-run", "--bin", "Hello"], in: root)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Plan for package Tiny (release)"))
        // With glibc compatibility (this machine's glibc is newer than provided.al2023's) the
        // command also names its link inputs, which a dry run does not create.
        #expect(result.standardOutput.contains(
            "build --package-path \(root) -c release --static-swift-stdlib \(try Harness.checkoutMapping(root, name: "Tiny")) -Xswiftc -L\(root)/.build/swift-lambda/compat/x86_64-unknown-linux-gnu/lib -Xlinker \(root)/.build/swift-lambda/compat/"))
        #expect(result.standardOutput.contains(".ld --scratch-path /proc/self/cwd/.build --product Hello)\n"))
        let plain = try Harness.run(["build", "--release", "--dry-run", "--bin", "Hello", "--no-glibc-compat"], in: root)
        #expect(plain.standardOutput.contains(
            "build --package-path \(root) -c release --static-swift-stdlib \(try Harness.checkoutMapping(root, name: "Tiny")) --scratch-path /proc/self/cwd/.build --product Hello"))
        #expect(result.standardOutput.contains("Target x86_64-unknown-linux-gnu (x86_64), compiler swiftpm"))
        #expect(result.standardOutput.contains("target/lambda/Hello/bootstrap  <- stripped copy of \(root)/.build/"))
        #expect(!result.standardOutput.contains("Bye"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target"))
        let bundling = try Harness.run(["build", "--dry-run", "--bundle-libs", "--runtime", "provided.al2"], in: root)
        #expect(bundling.standardOutput.contains("target/lambda/Hello/lib/  <- the shared libraries it needs beyond provided.al2, found after the build"))
    }

    @Test func failedBuildPassesSwiftsStatusOnAndReplacesNothing() throws {
        let root = try Harness.fixture("tiny")
        let first = try Harness.run(["build", "--product", "Hello"], in: root)
        try #require(first.status == 0, "\(first.standardError)")
        let bootstrap = "\(root)/target/lambda/Hello/bootstrap"
        let before = try Data(contentsOf: URL(fileURLWithPath: bootstrap))

        try "let broken: Int = \"not a number\"\n".write(
            toFile: "\(root)/Sources/Hello/main.swift", atomically: true, encoding: .utf8)
        let swiftBuild = try Harness.runProcess(
            "/usr/bin/env", ["swift", "build", "--package-path", root, "-c", "debug", "--static-swift-stdlib", "--product", "Hello"], in: root)
        let second = try Harness.run(["build", "--product", "Hello"], in: root)
        #expect(swiftBuild.status != 0)
        #expect(second.status == swiftBuild.status)
        #expect(second.standardError.contains("cannot convert value"))
        #expect(second.standardError.contains("error: the build failed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: bootstrap)) == before)
        #expect(Harness.contents(of: "\(root)/target/lambda") == ["Hello"])
        #expect(Harness.contents(of: "\(root)/target/lambda/Hello") == ["bootstrap"])
    }
}

/// Every bad input: one `error:` line that says what to do, a non-zero
/// exit, and nothing compiled or written.
@Suite struct BadInputTests {
    func expectError(_ result: CLIResult, status: Int32 = 1, containing text: String) {
        #expect(result.status == status, "\(result.standardError)")
        let errorLines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errorLines.count == 1, "\(result.standardError)")
        #expect(errorLines.first?.contains(text) == true, "\(result.standardError)")
        #expect(!result.standardError.contains("Building "))
    }

    /// Include errors the plan and the disk decide come before compiling, dry run included, and
    /// a source outside the package is named once (issue 14, item 6).
    @Test func includeErrorsComeBeforeCompilingAndOutsidePathsWarn() throws {
        let root = try Harness.fixture("tiny")
        try FileManager.default.createDirectory(atPath: "\(root)/conf", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/conf/passwd", withDestinationPath: "/etc/passwd")
        let cases: [([String], String)] = [
            (["--include", "missing.txt"], "--include path 'missing.txt' does not exist"),
            (["--include", "bootstrap:Package.swift"], "would overwrite 'bootstrap', the artifact's executable"),
            (["--include", "conf"], "symlink '\(root)/conf/passwd' points outside its included directory (to '/etc/passwd')"),
            (["--dry-run", "--include", "bootstrap:Package.swift"], "would overwrite 'bootstrap'"),
        ]
        for (extra, message) in cases {
            expectError(try Harness.run(["build", "--product", "Hello"] + extra, in: root), containing: message)
        }
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target"))

        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/../outside.txt"))
        let outside = FileSystemPaths.real("\(root)/../outside.txt")
        let warned = try Harness.run(["build", "--dry-run", "--include", "../outside.txt", "--include", "/etc/hostname"], in: root)
        #expect(warned.status == 0, "\(warned.standardError)")
        let warnings = warned.standardError.split(separator: "\n").filter { $0.hasPrefix("warning: include") }
        #expect(warnings == [
            "warning: include '../outside.txt' is outside the package (\(outside)); it will ship in every artifact",
            "warning: include '/etc/hostname' is outside the package (/etc/hostname); it will ship in every artifact",
        ])
    }

    /// One compile of tiny serves both: the default output is quiet (no compat detail, no
    /// command line) with per-artifact packaging progress on a terminal; and a lambda directory
    /// on a full disk is one line that says so and where (issue 14, items 14 and 12).
    @Test func aDefaultBuildIsQuietAndAFullDiskIsOneLine() throws {
        let root = try Harness.fixture("tiny")
        let command = [Harness.executable, "build"].map { "'\($0)'" }.joined(separator: " ")
        let terminal = try Harness.runProcess("/usr/bin/script", ["-qec", command, "/dev/null"], in: root)
        #expect(terminal.status == 0, "\(terminal.standardOutput)")
        #expect(terminal.standardOutput.contains("Building Tiny (debug, "))
        #expect(!terminal.standardOutput.contains("swift build --package-path"), "the command line is for -v")
        #expect(!terminal.standardOutput.contains("glibc-compat: rebinding"), "compat's detail is for -v")
        #expect(terminal.standardOutput.contains("\r\u{1B}[KPackaging 1/2: "), "\(terminal.standardOutput)")
        let verbose = try Harness.run(["build", "-v"], in: root)
        #expect(verbose.standardError.contains("swift build --package-path"))

        let small = try Harness.temporaryDirectory(prefix: "full")
        guard try Harness.runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small], in: root).status == 0 else { return }
        defer { _ = try? Harness.runProcess("/bin/umount", [small], in: root) }
        let full = try Harness.run(["build", "--lambda-dir", small], in: root)
        #expect(full.status == 1)
        #expect(full.standardError.split(separator: "\n").last == "error: the disk is full writing \(small); free space on \(small) and run again")
        #expect(Harness.contents(of: small) == [], "nothing partial is left")
    }

    @Test func notAPackageDirectory() throws {
        let empty = try Harness.temporaryDirectory(prefix: "empty")
        let result = try Harness.run(["build"], in: empty)
        expectError(result, containing: "is not a Swift package (no Package.swift); run swift-lambda in a package directory or pass --package-path")
    }

    @Test func packagePathThatDoesNotExist() throws {
        let empty = try Harness.temporaryDirectory(prefix: "empty")
        let result = try Harness.run(["build", "--package-path", "missing"], in: empty)
        expectError(result, containing: "\(empty)/missing' is not a Swift package")
    }

    @Test func manifestThatDoesNotCompileShowsSwiftPMsDiagnostics() throws {
        let root = try Harness.fixture("broken-manifest")
        let result = try Harness.run(["build"], in: root)
        expectError(result, containing: "SwiftPM could not load the manifest of '\(root)'; fix Package.swift (SwiftPM says below)")
        #expect(result.standardError.contains("undefinedSymbol"))
    }

    @Test func packageWithoutExecutableProducts() throws {
        let root = try Harness.fixture("library-only")
        let result = try Harness.run(["build"], in: root)
        expectError(result, containing: "package 'LibraryOnly' has no executable product")
    }

    @Test func unknownProductListsTheProducts() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--product", "nope"], in: root)
        expectError(result, containing: "no executable product named 'nope'; this package has: Bye, Hello")
    }

    @Test func unknownFlattenListsTheProducts() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--flatten", "nope"], in: root)
        expectError(result, containing: "--flatten names 'nope', which is not an executable product; this package has: Bye, Hello")
    }

    @Test func flattenOfAProductNotSelected() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--product", "Bye", "--flatten", "Hello"], in: root)
        expectError(result, containing: "--flatten names 'Hello', which this build does not include; add --product Hello")
    }

    @Test func lambdaDirectoryThatIsAFile() throws {
        let root = try Harness.fixture("tiny")
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/occupied"))
        let result = try Harness.run(["build", "--lambda-dir", "occupied/lambda"], in: root)
        expectError(result, containing: "'\(root)/occupied' exists and is not a directory")
        let second = try Harness.run(["build", "--lambda-dir", "occupied"], in: root)
        expectError(second, containing: "'\(root)/occupied' exists and is not a directory")
        #expect(try String(contentsOfFile: "\(root)/occupied", encoding: .utf8) == "x")
    }

    @Test func lambdaDirectoryThatIsNotWritable() throws {
        let root = try Harness.fixture("tiny")
        let locked = "\(root)/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        // Root ignores permission bits, so lock the directory with the immutable flag there.
        let lock = getuid() == 0
            ? try Harness.runProcess("/usr/bin/chattr", ["+i", locked], in: root).status
            : (chmod(locked, 0o555) == 0 ? 0 : 1)
        try #require(lock == 0, "cannot make a directory read-only here")
        defer { _ = try? Harness.runProcess("/usr/bin/chattr", ["-i", locked], in: root) }
        let nested = try Harness.run(["build", "--lambda-dir", "locked/lambda"], in: root)
        expectError(nested, containing: "'\(locked)' is not writable; fix its permissions or choose another directory")
        let direct = try Harness.run(["build", "--lambda-dir", "locked"], in: root)
        expectError(direct, containing: "'\(locked)' is not writable")
    }

    @Test func swiftNotOnPath() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build"], in: root, environment: ["PATH": "/nonexistent", "HOME": NSHomeDirectory()])
        expectError(result, containing: "'swift' was not found on PATH (/nonexistent); install a Swift toolchain")
    }

    @Test func emptyProductNameIsAUsageError() throws {
        let root = try Harness.fixture("tiny")
        let result = try Harness.run(["build", "--product", ""], in: root)
        #expect(result.status == 64)
        #expect(result.standardError.contains("'' is not a product name"))
    }
}

enum FileSystemPaths {
    static func real(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
}
