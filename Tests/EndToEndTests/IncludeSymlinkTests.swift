import Foundation
import LambdaTestSupport
import Testing

/// Includes holding symlinks that escape or loop, and names that are not UTF-8, through the
/// CLI on `tiny` (issue 15, items 4 to 7). Every run has a watchdog: a build that hangs is
/// killed and fails the test instead of hanging the suite.
@Suite struct IncludeSymlinkTests {
    /// Far above what compiling tiny takes; only a hang reaches it.
    static let watchdog = Duration.seconds(900)

    /// A copy of tiny with `assets/app.json`, `assets/sub/` and `links` (paths below `assets`).
    func tinyWithAssets(links: [(String, String)]) throws -> (root: String, tree: TreeFixture) {
        let root = try Harness.fixture("tiny")
        let tree = TreeFixture(root: root)
        try tree.directory("assets/sub")
        try tree.file("assets/app.json")
        for (path, target) in links { try tree.link("assets/\(path)", target) }
        return (root, tree)
    }

    func expectRefused(_ result: CLIResult, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.timedOut, "killed by the watchdog: \(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.status == 1, "\(result.standardError)", sourceLocation: sourceLocation)
        let errors = result.standardError.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errors.count == 1 && errors[0].contains(text), "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(!result.standardError.contains("Building "), "refused before compiling", sourceLocation: sourceLocation)
    }

    /// `dot -> .` and `pw -> dot/dot/.../../../etc/passwd` used to ship `data/pw`, which unzipped
    /// to /etc/passwd; `esc -> dot/..` is the loop that leaves. Refused before compiling, in a
    /// real run and in a dry run alike.
    @Test func linksThatClimbOutThroughOtherLinksAreRefused() throws {
        let pw = String(repeating: "dot/", count: 8) + String(repeating: "../", count: 8) + "etc/passwd"
        let (root, tree) = try tinyWithAssets(links: [("dot", "."), ("pw", pw)])
        let escapes = "symlink '\(root)/assets/pw' points outside its included directory (to '\(pw)')"
        for extra in [[], ["--dry-run"], ["--output-format", "zip"]] {
            let result = try Harness.run(["build", "--product", "Hello", "--include", "data:assets"] + extra, in: root, timeout: Self.watchdog)
            expectRefused(result, containing: escapes)
        }
        try FileManager.default.removeItem(atPath: "\(root)/assets/pw")
        try tree.link("assets/esc", "dot/..")
        let loopOut = try Harness.run(["build", "--dry-run", "--include", "data:assets"], in: root, timeout: Self.watchdog)
        expectRefused(loopOut, containing: "symlink '\(root)/assets/esc' points outside its included directory (to 'dot/..')")
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target"))
    }

    /// `a -> .`, `b -> .` and two `..` links in a subdirectory used to hang the build after
    /// "Packaging 1 artifact" (the up-to-date fingerprint walked `a/b/a/...`). They stay inside,
    /// so they ship as links, in the directory and in the zip; a second run finds nothing to do.
    @Test func loopsThatStayInsideShipAsLinksAndTheBuildEnds() throws {
        let (root, _) = try tinyWithAssets(links: [("a", "."), ("b", "."), ("sub/up1", ".."), ("sub/up2", "..")])
        let arguments = ["build", "--product", "Hello", "--output-format", "zip", "--include", "data:assets"]
        let first = try Harness.run(arguments, in: root, timeout: Self.watchdog)
        try #require(!first.timedOut, "killed by the watchdog: \(first.standardError)")
        try #require(first.status == 0, "\(first.standardError)")
        let artifact = "\(root)/target/lambda/Hello"
        for (link, target) in [("data/a", "."), ("data/b", "."), ("data/sub/up1", ".."), ("data/sub/up2", "..")] {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(artifact)/\(link)") == target)
        }
        let listing = try Harness.runProcess("/usr/bin/unzip", ["-Z", "\(artifact)/bootstrap.zip"], in: root)
        let links = listing.standardOutput.split(separator: "\n").filter { $0.hasPrefix("l") }.compactMap { $0.split(separator: " ").last }
        #expect(links == ["data/a", "data/b", "data/sub/up1", "data/sub/up2"], "\(listing.standardOutput)")

        let again = try Harness.run(arguments, in: root, timeout: Self.watchdog)
        #expect(!again.timedOut, "killed by the watchdog: \(again.standardError)")
        #expect(again.status == 0, "\(again.standardError)")
    }

    /// A file whose name is not UTF-8 used to be refused as "neither a file, a directory nor a
    /// symlink"; now the error names it (escaped) and says why, in a dry run too.
    @Test func aNameThatIsNotUTF8IsRefusedSayingWhy() throws {
        let (root, tree) = try tinyWithAssets(links: [])
        try tree.file(in: "assets", bytes: Array("caf".utf8) + [0xE9] + Array(".txt".utf8))
        for extra in [[], ["--dry-run"]] {
            let result = try Harness.run(["build", "--product", "Hello", "--include", "assets"] + extra, in: root, timeout: Self.watchdog)
            expectRefused(result, containing: "'\(root)/assets/caf\\xE9.txt' has a name that is not UTF-8")
        }
    }

    /// A dry run raises what a real run raises before compiling: a missing include from the
    /// configuration file exits non-zero, naming it, instead of being listed in the plan.
    @Test func aDryRunRefusesAMissingIncludeFromTheConfigurationFile() throws {
        let root = try Harness.fixture("tiny")
        try "[build]\ninclude = [\"does-not-exist\"]\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        for extra in [["--dry-run"], ["--dry-run", "--message-format", "json"], []] {
            let result = try Harness.run(["build"] + extra, in: root, timeout: Self.watchdog)
            expectRefused(result, containing: "does-not-exist' does not exist")
            #expect(!result.standardOutput.contains("Plan for package"), "\(result.standardOutput)")
        }
    }
}
