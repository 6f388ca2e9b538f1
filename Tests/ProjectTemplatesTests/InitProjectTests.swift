import Foundation
import LambdaSupport
import ProjectTemplates
import Testing

/// A runner that passes every call to the real one, except that the `failing`-th call
/// (counting from 1) fails as a broken manifest would.
final class FailingRunner: ProcessRunning, @unchecked Sendable {
    let real = TestSupport.runner
    let failing: Int
    private let lock = NSLock()
    private var calls = 0

    init(failing: Int) { self.failing = failing }

    func stream(_ invocation: Invocation, to destination: OutputDestination) async throws {
        try await real.stream(invocation, to: destination)
    }

    func capture(_ invocation: Invocation) async throws -> CapturedOutput {
        let call = lock.withLock {
            calls += 1
            return calls
        }
        if call == failing {
            throw ProcessError.failed(
                invocation, status: 1, signal: nil, standardError: "Package.swift:9:5: error: injected")
        }
        return try await real.capture(invocation)
    }
}

@Suite struct InitProjectTests {
    /// A copy of the repository's Examples package (sources and manifest only).
    func examples() throws -> String {
        let root = "\(try TestSupport.temporaryDirectory("init"))/Examples"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for item in ["Package.swift", "Sources"] {
            try FileManager.default.copyItem(
                atPath: "\(TestSupport.repositoryRoot)/Examples/\(item)", toPath: "\(root)/\(item)")
        }
        return root
    }

    func project(_ kind: TemplateKind, _ name: String?, in root: String, runner: (any ProcessRunning)? = nil) throws
        -> InitProject
    {
        InitProject(
            kind: kind, productName: name, packageRoot: root, swift: try TestSupport.swift(),
            runner: runner ?? TestSupport.runner, swiftToolsVersion: "6.3")
    }

    /// Every file under `root`, relative, with its contents.
    func snapshot(_ root: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for path in FileManager.default.subpaths(atPath: root) ?? [] where !path.hasPrefix(".build") {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: "\(root)/\(path)", isDirectory: &isDirectory)
            files[path] =
                isDirectory.boolValue ? "<dir>" : try String(contentsOfFile: "\(root)/\(path)", encoding: .utf8)
        }
        return files
    }

    @Test func addsAFunctionAnHTTPFunctionAndAnExtensionToTheExamples() async throws {
        let root = try examples()
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        let function = try await project(.function, "orders", in: root).run()
        #expect(
            function.created == [
                "Sources/Orders/Handler.swift", "Sources/Orders/main.swift", "Tests/OrdersTests/OrdersTests.swift",
            ])
        #expect(function.edited == ["Package.swift"])
        #expect(function.notes.contains { $0.contains("platforms: [.macOS(.v15)]") })
        let http = try await project(.http, "orders-api", in: root).run()
        #expect(http.created.contains("events/orders-api.json"))
        #expect(http.notes.contains { $0.contains("already depends on swift-aws-lambda-runtime") })
        let audit = try await project(.extension, "audit", in: root).run()
        #expect(audit.created.contains("swift-lambda.toml"))

        let dump = try await TestSupport.dump(root)
        #expect(dump.products.map(\.name) == ["echo", "greeter", "quotes", "orders", "orders-api", "audit"])
        #expect(
            dump.targets.map(\.name).suffix(6) == [
                "Orders", "OrdersTests", "OrdersApi", "OrdersApiTests", "Audit", "AuditTests",
            ])
        #expect(dump.dependencies.map(\.identity) == ["swift-aws-lambda-runtime", "swift-aws-lambda-events"])
        let manifest = try String(contentsOfFile: "\(root)/Package.swift", encoding: .utf8)
        // The user's own lines are all still there, in order.
        let original = try String(
            contentsOfFile: "\(TestSupport.repositoryRoot)/Examples/Package.swift", encoding: .utf8)
        var remaining = manifest.split(separator: "\n")[...]
        for line in original.split(separator: "\n") {
            guard let index = remaining.firstIndex(where: { $0 == line || $0 == line + "," }) else {
                Issue.record("lost line: \(line)")
                continue
            }
            remaining = remaining[(index + 1)...]
        }
        #expect(
            try String(contentsOfFile: "\(root)/swift-lambda.toml", encoding: .utf8) == """
                # Built as an extension: a layer holding extensions/audit.
                [functions.audit]
                extension = true

                """)
    }

    @Test func refusesNamesAndFilesThatAreTaken() async throws {
        let root = try examples()
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        let before = try snapshot(root)
        await #expect(throws: ProjectError.productExists(name: "echo")) {
            try await project(.function, "echo", in: root).run()
        }
        await #expect(throws: ProjectError.targetExists(name: "QuoteBook")) {
            try await project(.function, "quote-book", in: root).run()
        }
        await #expect(throws: ProjectError.targetExists(name: "Greeter")) {
            try await project(.function, "greeter_", in: root).run()
        }
        try FileManager.default.createDirectory(atPath: "\(root)/Sources/Orders", withIntermediateDirectories: true)
        await #expect(throws: ProjectError.fileExists(path: "\(root)/Sources/Orders")) {
            try await project(.function, "orders", in: root).run()
        }
        try FileManager.default.removeItem(atPath: "\(root)/Sources/Orders")
        // The default name is the package directory's: Examples, free here.
        try "[functions.audit]\nextension = false\n".write(
            toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        await #expect(throws: ProjectError.configurationConflict(path: "\(root)/swift-lambda.toml", product: "audit")) {
            try await project(.extension, "audit", in: root).run()
        }
        try FileManager.default.removeItem(atPath: "\(root)/swift-lambda.toml")
        #expect(try snapshot(root) == before)
        let defaulted = try await project(.extension, nil, in: root).run()
        #expect(defaulted.names.product == "Examples")
        #expect(defaulted.names.module == "Examples")
    }

    @Test func refusesWhenTheDirectoryNameCannotNameAProduct() async throws {
        let root = "\(try TestSupport.temporaryDirectory("init"))/my package"
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        try TestSupport.write(
            [
                TemplateFile(
                    path: "Package.swift",
                    contents:
                        "// swift-tools-version: 6.0\nimport PackageDescription\nlet package = Package(name: \"p\", targets: [])\n"
                )
            ], to: root)
        await #expect(
            throws: ProjectError.defaultNameUnusable(
                directory: "my package", reason: .invalidCharacter(name: "my package", character: " "))
        ) {
            try await project(.function, nil, in: root).run()
        }
    }

    @Test func leavesPlatformsAloneWhereTheToolsVersionPredatesMacOS15() async throws {
        let root = "\(try TestSupport.temporaryDirectory("init-tools"))/p"
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        let manifest = """
            // swift-tools-version: 5.9
            import PackageDescription

            let package = Package(
                name: "p",
                targets: [
                    .executableTarget(name: "A")
                ]
            )

            """
        try TestSupport.write([TemplateFile(path: "Package.swift", contents: manifest)], to: root)
        let report = try await project(.function, "orders", in: root).run()
        #expect(
            report.notes.first?.hasSuffix(
                "needs swift-tools-version 6.0 and this manifest has 5.9.0; Linux builds are not affected") == true)
        let dump = try await TestSupport.dump(root)
        #expect(dump.platforms.isEmpty)
        #expect(dump.products.map(\.name) == ["orders"])
    }

    @Test func refusesTargetsAddedOutsideTheLiteralArray() async throws {
        let root = try TestSupport.temporaryDirectory("init-elsewhere")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifest = """
            // swift-tools-version: 6.0
            import PackageDescription

            let package = Package(
                name: "p",
                targets: [
                    .executableTarget(name: "A"),
                ]
            )
            for name in ["B", "C"] { package.targets.append(.executableTarget(name: name)) }

            """
        try TestSupport.write([TemplateFile(path: "Package.swift", contents: manifest)], to: root)
        await #expect(throws: ManifestEditError.builtElsewhere(label: "targets", literal: 1, loaded: 3)) {
            try await project(.extension, "audit", in: root).run()
        }
        #expect(try snapshot(root) == ["Package.swift": manifest])
    }

    @Test func undoesEverythingWhenTheEditedManifestDoesNotLoad() async throws {
        let root = try examples()
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        try "[build]\nrelease = true\n".write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let before = try snapshot(root)
        // Call 1 reads the package; call 2 checks the edit, and fails.
        let error = await #expect(throws: ProjectError.self) {
            try await project(.extension, "audit", in: root, runner: FailingRunner(failing: 2)).run()
        }
        #expect(
            error?.description.hasPrefix("the edited Package.swift did not load as expected, so it was restored")
                == true)
        #expect(try snapshot(root) == before)
    }
}
