import Foundation
import Testing

/// `swift-lambda new` and `init` run as a user runs them, and the extension template built,
/// tested and run.
@Suite struct TemplatesEndToEndTests {
    @Test func newWritesAPackageAndOnlyOverwritesANonEmptyDirectoryWithForce() throws {
        let directory = try Harness.temporaryDirectory(prefix: "new")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let created = try Harness.run(["new", "my-fn"], in: directory)
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardOutput.hasPrefix("Created function 'my-fn' (module MyFn) in my-fn:\n"))
        #expect(created.standardOutput.contains("  cd my-fn\n  swift-lambda build --release --output-format zip\n"))
        let root = "\(directory)/my-fn"
        #expect(FileManager.default.fileExists(atPath: "\(root)/Sources/MyFn/main.swift"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/.gitignore"))

        let refused = try Harness.run(["new", "my-fn"], in: directory)
        #expect(refused.status == 1)
        #expect(
            refused.standardError
                == "error: '\(root)' exists and is not empty; choose another NAME or --path, or pass --force to write the template's files into it (replacing files of the same names)\n"
        )

        try "mine\n".write(toFile: "\(root)/README.md", atomically: true, encoding: .utf8)
        try "keep\n".write(toFile: "\(root)/notes.txt", atomically: true, encoding: .utf8)
        let forced = try Harness.run(["new", "my-fn", "--force"], in: directory)
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try String(contentsOfFile: "\(root)/README.md", encoding: .utf8).hasPrefix("# my-fn\n"))
        #expect(try String(contentsOfFile: "\(root)/notes.txt", encoding: .utf8) == "keep\n")
    }

    @Test func newWritesWherePathSaysEvenIntoAnEmptyDirectory() throws {
        let directory = try Harness.temporaryDirectory(prefix: "new-path")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/empty", withIntermediateDirectories: true)
        let result = try Harness.run(["new", "orders-api", "--http", "--path", "empty"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("Created HTTP function 'orders-api' (module OrdersApi) in empty:\n"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/empty/events/orders-api.json"))
    }

    @Test func badNamesAndFlagsAreUsageErrors() throws {
        let directory = try Harness.temporaryDirectory(prefix: "new-bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cases: [([String], String)] = [
            (["new", "my fn"], "'my fn' is not a valid Lambda function name: it contains a space"),
            (["new", "2fast"], "'2fast' does not start with a letter"),
            (
                ["new", String(repeating: "a", count: 65)],
                "is 65 characters long; Lambda function names have at most 64"
            ),
            (["new", "x", "--http", "--extension"], "--http and --extension choose different templates"),
            (["init", "--name", "a.b"], "'a.b' is not a valid Lambda function name: it contains '.'"),
        ]
        for (arguments, message) in cases {
            let result = try Harness.run(arguments, in: directory)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        #expect(Harness.contents(of: directory).isEmpty)
    }

    @Test func initAddsAnHTTPFunctionToTheExamples() throws {
        let root = try Harness.copyPackage("\(Harness.repositoryRoot)/Examples", named: "Examples")
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        let result = try Harness.run(["init", "--http", "--name", "orders-api"], in: root)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardOutput == """
                Added HTTP function 'orders-api' (module OrdersApi) in .:
                  Sources/OrdersApi/Handler.swift
                  Sources/OrdersApi/main.swift
                  Tests/OrdersApiTests/OrdersApiTests.swift
                  events/orders-api.json
                  Package.swift (edited)
                note: added platforms: [.macOS(.v15)], which swift-aws-lambda-runtime 2 needs when built on a Mac
                Next:
                  swift-lambda build --release --output-format zip --product orders-api
                  swift-lambda invoke orders-api --zip --data "$(cat events/orders-api.json)"

                """)
        let again = try Harness.run(["init", "--http", "--name", "orders-api"], in: root)
        #expect(again.status == 1)
        #expect(
            again.standardError == "error: the package already has a product named 'orders-api'; pass another --name\n")
        let notAPackage = try Harness.run(["init"], in: "\(root)/Sources")
        #expect(notAPackage.status == 1)
        #expect(
            notAPackage.standardError.hasPrefix("error: '\(root)/Sources' is not a Swift package (no Package.swift)"))
    }
}
