import Foundation
import LambdaTestSupport
import Testing

/// `swift-lambda list` and `--affected-since` on a monorepo in a temporary git repository:
/// two members (one with a shared library target and its resource, one using a local package
/// through `.package(path:)`), an extension, an include, a member file and a folder outside
/// every member. Each kind of change is made, listed, and undone.
@Suite(.serialized) struct ListCLITests {
    /// The monorepo, committed; `git clean`/`checkout` bring it back after each change.
    static func monorepo() throws -> String {
        let root = try Harness.temporaryDirectory(prefix: "monorepo")
        func write(_ path: String, _ text: String) throws {
            let url = URL(fileURLWithPath: "\(root)/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try write(".gitignore", ".build/\ntarget/\n")
        try write("swift-lambda.toml", """
            [workspace]
            members = ["services/*"]

            [functions.refunds]
            include = ["assets/terms.txt"]

            [functions.notifier]
            extension = true

            """)
        try write("services/orders/Package.swift", """
            // swift-tools-version: 6.0
            import PackageDescription
            let package = Package(
                name: "Orders",
                products: [.executable(name: "orders", targets: ["Orders"]), .executable(name: "refunds", targets: ["Refunds"])],
                targets: [
                    .target(name: "Shared", resources: [.copy("Resources/rates.json")]),
                    .executableTarget(name: "Orders", dependencies: ["Shared"]),
                    .executableTarget(name: "Refunds", dependencies: ["Shared"]),
                ]
            )

            """)
        try write("services/orders/Sources/Shared/Shared.swift", "public let rate = 2\n")
        try write("services/orders/Sources/Shared/Resources/rates.json", "{\"eur\": 1}\n")
        try write("services/orders/Sources/Orders/main.swift", "import Shared\nprint(rate)\n")
        try write("services/orders/Sources/Refunds/main.swift", "import Shared\nprint(rate * 2)\n")
        try write("services/users/Package.swift", """
            // swift-tools-version: 6.0
            import PackageDescription
            let package = Package(
                name: "Users",
                products: [.executable(name: "users", targets: ["Users"]), .executable(name: "notifier", targets: ["Notifier"])],
                dependencies: [.package(path: "../../libs/common")],
                targets: [
                    .executableTarget(name: "Users", dependencies: [.product(name: "CommonKit", package: "common")]),
                    .executableTarget(name: "Notifier"),
                ]
            )

            """)
        try write("services/users/swift-lambda.toml", "[build]\noutput-format = \"zip\"\n")
        try write("services/users/Sources/Users/main.swift", "import CommonKit\nprint(greeting)\n")
        try write("services/users/Sources/Notifier/main.swift", "print(\"notifier\")\n")
        try write("libs/common/Package.swift", """
            // swift-tools-version: 6.0
            import PackageDescription
            let package = Package(
                name: "common",
                products: [.library(name: "CommonKit", targets: ["CommonKit"])],
                targets: [.target(name: "CommonKit")]
            )

            """)
        try write("libs/common/Sources/CommonKit/CommonKit.swift", "public let greeting = \"hi\"\n")
        try write("assets/terms.txt", "terms\n")
        try write("docs/notes.md", "# notes\n")
        try git(["init", "-q", "-b", "main"], in: root)
        try git(["add", "-A"], in: root)
        try git(["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "monorepo"], in: root)
        return root
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: String) throws -> String {
        let result = try Harness.runProcess("/usr/bin/env", ["git"] + arguments, in: directory)
        try #require(result.status == 0, "git \(arguments.joined(separator: " ")): \(result.standardError)")
        return result.standardOutput
    }

    func listed(_ arguments: [String], in root: String) throws -> [[String: Any]] {
        let result = try Harness.run(["list", "--message-format", "json"] + arguments, in: root)
        try #require(result.status == 0, "\(result.standardError)")
        return try result.standardOutput.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    func affected(since revision: String = "HEAD", in root: String) throws -> [String] {
        try listed(["--affected-since", revision], in: root).compactMap { $0["name"] as? String }
    }

    @Test func listsEveryFunctionWithItsKindPackageTargetsAndArtifact() throws {
        let root = try Self.monorepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let all = try listed([], in: root)
        #expect(all.compactMap { $0["name"] as? String } == ["notifier", "orders", "refunds", "users"])
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0["name"] as! String, $0) })
        #expect(byName["notifier"]?["kind"] as? String == "extension")
        #expect(byName["users"]?["kind"] as? String == "function")
        #expect(byName["orders"]?["package"] as? String == "services/orders")
        #expect(byName["orders"]?["artifact"] as? String == "target/lambda/orders/bootstrap")
        #expect(byName["users"]?["artifact"] as? String == "target/lambda/users/bootstrap.zip")
        #expect(byName["notifier"]?["artifact"] as? String == "target/lambda/extensions/notifier.zip")
        let targets = (byName["users"]?["targets"] as? [[String: String]]) ?? []
        #expect(targets.map { $0["name"] ?? "" } == ["Users", "CommonKit"])
        #expect(targets.map { $0["path"] ?? "" } == ["services/users/Sources/Users", "libs/common/Sources/CommonKit"])
        let orders = (byName["orders"]?["targets"] as? [[String: String]]) ?? []
        #expect(orders.map { $0["name"] ?? "" } == ["Orders", "Shared"])

        let human = try Harness.run(["list"], in: root)
        #expect(human.status == 0, "\(human.standardError)")
        #expect(human.standardOutput.contains("users     function   services/users  -> target/lambda/users/bootstrap.zip\n"))
        #expect(human.standardOutput.contains("targets: Users (services/users/Sources/Users), CommonKit (libs/common/Sources/CommonKit)"))
        let one = try listed(["--product", "refunds"], in: root)
        #expect(one.compactMap { $0["name"] as? String } == ["refunds"])
    }

    @Test func eachKindOfChangeAffectsExactlyTheFunctionsBuiltFromIt() throws {
        let root = try Self.monorepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cases: [(path: String, expected: [String])] = [
            ("services/orders/Sources/Orders/main.swift", ["orders"]),
            ("services/orders/Sources/Shared/Shared.swift", ["orders", "refunds"]),
            ("services/orders/Sources/Shared/Resources/rates.json", ["orders", "refunds"]),
            ("services/orders/Package.swift", ["orders", "refunds"]),
            // (Package.resolved: aChangedPackageResolvedAffectsItsMembersFunctions, which gives the
            // member a remote pin; SwiftPM deletes a Package.resolved that has none.)
            ("services/users/swift-lambda.toml", ["notifier", "users"]),
            ("libs/common/Sources/CommonKit/CommonKit.swift", ["users"]),
            ("libs/common/Sources/CommonKit/New.swift", ["users"]),
            ("libs/common/Package.swift", ["users"]),
            ("swift-lambda.toml", ["notifier", "orders", "refunds", "users"]),
            ("assets/terms.txt", ["refunds"]),
            ("docs/notes.md", []),
            ("services/orders/README.md", []),
        ]
        #expect(try affected(in: root) == [])
        for (path, expected) in cases {
            let file = "\(root)/\(path)"
            let old = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            // Appended text keeps a manifest valid (a comment) and makes a new file untracked.
            let added = path.hasSuffix(".toml") ? "\n# changed\n" : "\n// changed\n"
            try (old + added).write(toFile: file, atomically: true, encoding: .utf8)
            let got = try affected(in: root)
            #expect(got == expected, "\(path): \(got)")
            try Self.git(["checkout", "-q", "--", "."], in: root)
            try Self.git(["clean", "-q", "-f", "-d"], in: root)
        }
        // A committed change counts against an older revision, with a clean working tree.
        try "print(3)\n".write(toFile: "\(root)/services/orders/Sources/Refunds/main.swift", atomically: true, encoding: .utf8)
        try Self.git(["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-am", "refunds"], in: root)
        #expect(try affected(in: root) == [])
        #expect(try affected(since: "HEAD~1", in: root) == ["refunds"])
    }

    /// A member's `Package.resolved` is one of its inputs. The member gets a dependency from the
    /// package mirror (declared, used by no target, so nothing more is compiled) and so a real pin;
    /// the resolved file is committed (`add -f`: git here ignores the name), then changed.
    @Test func aChangedPackageResolvedAffectsItsMembersFunctions() throws {
        let root = try Self.monorepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let orders = "\(root)/services/orders"
        let manifest = try String(contentsOfFile: "\(orders)/Package.swift", encoding: .utf8)
        try manifest.replacingOccurrences(
            of: "    targets: [",
            with: "    dependencies: [.package(url: \"https://github.com/apple/swift-system\", exact: \"1.8.1\")],\n    targets: [")
            .write(toFile: "\(orders)/Package.swift", atomically: true, encoding: .utf8)
        let resolve = try Harness.runProcess("/usr/bin/env", ["swift", "package", "resolve"], in: orders)
        try #require(resolve.status == 0, "\(resolve.standardError)")
        let resolved = "\(orders)/Package.resolved"
        let pinned = try String(contentsOfFile: resolved, encoding: .utf8)
        try #require(pinned.contains("swift-system"), "\(pinned)")
        try Self.git(["add", "-f", "services/orders/Package.resolved"], in: root)
        try Self.git(["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-am", "pin"], in: root)
        // Listing describes the member again; that must not rewrite the pins it reads.
        #expect(try affected(in: root) == [])
        #expect(try String(contentsOfFile: resolved, encoding: .utf8) == pinned)

        // The same pins, written out differently (as another SwiftPM version may): still a change.
        try (pinned + "\n").write(toFile: resolved, atomically: true, encoding: .utf8)
        #expect(try affected(in: root) == ["orders", "refunds"])
        try Self.git(["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-am", "repin"], in: root)
        #expect(try affected(in: root) == [])
        #expect(try affected(since: "HEAD~1", in: root) == ["orders", "refunds"])
        // build selects the same two (a dry run: the selection is the same code as list's).
        let build = try Harness.run(["build", "--affected-since", "HEAD~1", "--dry-run"], in: root)
        #expect(build.status == 0, "\(build.standardError)")
        #expect(build.standardError.contains("Affected by the changes since HEAD~1: orders, refunds\n"), "\(build.standardError)")
    }

    @Test func anUnknownRevisionOrNoRepositoryIsOneLine() throws {
        let root = try Self.monorepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let unknown = try Harness.run(["list", "--affected-since", "no-such-branch"], in: root)
        #expect(unknown.status == 1)
        #expect(unknown.standardError.hasPrefix("error: git does not know the revision 'no-such-branch' in "))
        #expect(unknown.standardError.split(separator: "\n").count == 1)
        try FileManager.default.removeItem(atPath: "\(root)/.git")
        let outside = try Harness.run(["list", "--affected-since", "HEAD"], in: root)
        #expect(outside.status == 1)
        #expect(outside.standardError.hasPrefix("error: --affected-since needs a git repository"))
    }

    /// `build --affected-since` builds only what the change affects, and nothing when nothing is.
    @Test func buildAffectedSinceBuildsOnlyTheAffectedFunctions() throws {
        let root = try Self.monorepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let none = try Harness.run(["build", "--affected-since", "HEAD"], in: root)
        #expect(none.status == 0, "\(none.standardError)")
        #expect(none.standardError.contains("No function is affected by the changes since HEAD; nothing to build"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target"))

        try "public let greeting = \"hello\"\n".write(
            toFile: "\(root)/libs/common/Sources/CommonKit/CommonKit.swift", atomically: true, encoding: .utf8)
        let built = try Harness.run(["build", "--affected-since", "HEAD"], in: root)
        #expect(built.status == 0, "\(built.standardError)")
        #expect(built.standardError.contains("Affected by the changes since HEAD: users"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/target/lambda/users/bootstrap.zip"))
        for other in ["orders", "refunds"] { #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda/\(other)")) }
        #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda/extensions"))
    }

    /// A CI matrix's shards agree with a whole build: each function built alone (`--product`)
    /// in a fresh clone at another, deeper path gives the same bytes as the whole workspace
    /// built at once.
    @Test func eachShardInAnotherCloneGivesTheWholeBuildsBytes() async throws {
        let root = try Self.monorepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try await Harness.runOffThePool(["build", "--release", "--output-format", "zip"], in: root)
        try #require(whole.status == 0, "\(whole.standardError)")
        let elsewhere = try Harness.temporaryDirectory(prefix: "shard")
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let clone = "\(elsewhere)/runner/work/checkout/monorepo"
        try FileManager.default.createDirectory(atPath: "\(elsewhere)/runner/work/checkout", withIntermediateDirectories: true)
        try Self.git(["clone", "-q", root, clone], in: elsewhere)
        let artifacts = [
            ("orders", ["orders/bootstrap", "orders/bootstrap.zip"]), ("refunds", ["refunds/bootstrap", "refunds/bootstrap.zip"]),
            ("users", ["users/bootstrap", "users/bootstrap.zip"]), ("notifier", ["extensions/notifier", "extensions/notifier.zip"]),
        ]
        for (name, files) in artifacts {
            let shard = try await Harness.runOffThePool(["build", "--release", "--output-format", "zip", "--product", name], in: clone)
            try #require(shard.status == 0, "\(name): \(shard.standardError)")
            for file in files {
                let bytes = try [root, clone].map { try Data(contentsOf: URL(fileURLWithPath: "\($0)/target/lambda/\(file)")) }
                // A Bool, not the two Data: Swift Testing would diff megabytes byte by byte.
                let same = !bytes[0].isEmpty && bytes[0] == bytes[1]
                #expect(same, "\(file) differs between the whole build and the \(name) shard")
            }
        }
    }
}
