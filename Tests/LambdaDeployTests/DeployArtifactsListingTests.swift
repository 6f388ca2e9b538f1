import Foundation
import LambdaDeploy
import LambdaSupport
import LambdaTestSupport
import Testing

/// Finding what `build` wrote in a lambda directory, and choosing among it by name.
@Suite struct DeployArtifactsListingTests {
    @Test func everyKindBuildWritesIsListedAndNothingElse() async throws {
        let built = try BuiltArtifacts("deploy-list")
        defer { built.remove() }
        let lambda = "\(built.tree.root)/lambda"
        try await built.function("zipped", in: lambda, zip: true)
        try await built.function("plain", in: lambda, zip: false)
        try await built.extension("watcher", in: lambda, zip: true)
        try await built.extension("probe", in: lambda, zip: false)
        // What is not an artifact: a killed run's staging, a directory without bootstrap, hidden names.
        try built.tree.directory("lambda/.gone.swift-lambda-1-2-abc")
        try built.tree.file("lambda/.gone.swift-lambda-1-2-abc/bootstrap")
        try built.tree.file("lambda/extensions/.watcher.swift-lambda-1-2-abcd", "half")
        try built.tree.directory("lambda/notes")
        try built.tree.file("lambda/notes/readme.txt")
        try built.tree.directory("lambda/extensions/Pkg_App.resources")

        let listed = try DeployArtifacts.list(in: lambda)
        #expect(
            listed == [
                .init(name: "plain", kind: .function, source: .directory("\(lambda)/plain")),
                .init(
                    name: "zipped", kind: .function,
                    source: .zip(path: "\(lambda)/zipped/bootstrap.zip", executable: "\(lambda)/zipped/bootstrap")),
                .init(name: "probe", kind: .extension, source: .executable("\(lambda)/extensions/probe")),
                .init(
                    name: "watcher", kind: .extension,
                    source: .zip(path: "\(lambda)/extensions/watcher.zip", executable: "\(lambda)/extensions/watcher")),
            ])
    }

    /// `--flatten` writes to the lambda directory's root; its name comes from the configuration.
    @Test func aFlattenedBuildIsListedUnderTheConfiguredName() async throws {
        let built = try BuiltArtifacts("deploy-flat")
        defer { built.remove() }
        let lambda = "\(built.tree.root)/lambda"
        try await built.function("flat", in: lambda, zip: true, flattened: true)
        try await built.function("other", in: lambda, zip: true)

        #expect(
            try DeployArtifacts.list(in: lambda).map(\.name) == ["other"],
            "without the name, a flattened build is not guessed")
        let listed = try DeployArtifacts.list(in: lambda, flattened: "flat")
        #expect(
            listed.first
                == .init(
                    name: "flat", kind: .function,
                    source: .zip(path: "\(lambda)/bootstrap.zip", executable: "\(lambda)/bootstrap")))
        #expect(listed.map(\.name) == ["flat", "other"])

        let binaryOnly = "\(built.tree.root)/binary"
        try await built.function("flat", in: binaryOnly, zip: false, flattened: true)
        let flat = try DeployArtifacts.list(in: binaryOnly, flattened: "flat")
        #expect(
            flat == [
                .init(
                    name: "flat", kind: .function, source: .flattenedWithoutZip(executable: "\(binaryOnly)/bootstrap"))
            ])
        let error = #expect(throws: DeployArtifactError.self) {
            try DeployArtifacts.prepare(flat, in: binaryOnly, zipOptions: built.options)
        }
        #expect("\(error!)".contains("build it with --output-format zip, or without --flatten"))

        let layer = "\(built.tree.root)/layer"
        try await built.extension("flatext", in: layer, zip: true, flattened: true)
        #expect(
            try DeployArtifacts.list(in: layer, flattened: "flatext")
                == [
                    .init(
                        name: "flatext", kind: .extension,
                        source: .zip(path: "\(layer)/flatext.zip", executable: "\(layer)/flatext"))
                ])
    }

    @Test func anUnknownNameListsWhatExistsWithTheNearest() throws {
        let artifacts: [DeployableArtifact] = [
            .init(name: "orders", kind: .function, source: .directory("/l/orders")),
            .init(name: "payments", kind: .function, source: .directory("/l/payments")),
            .init(name: "telemetry", kind: .extension, source: .executable("/l/extensions/telemetry")),
        ]
        let error = #expect(throws: DeployArtifactError.self) {
            try DeployArtifacts.select(["ordres"], from: artifacts)
        }
        #expect(
            "\(error!)"
                == "no function or extension named 'ordres' in the lambda directory (did you mean 'orders'?); it has: orders, payments, telemetry"
        )
        let far = #expect(throws: DeployArtifactError.self) { try DeployArtifacts.select(["zzz"], from: []) }
        #expect("\(far!)" == "no function or extension named 'zzz' in the lambda directory; nothing was built there")

        #expect(try DeployArtifacts.select([], from: artifacts) == artifacts)
        #expect(try DeployArtifacts.select([], from: artifacts, kind: .extension).map(\.name) == ["telemetry"])
        #expect(
            try DeployArtifacts.select(["payments", "orders", "payments"], from: artifacts).map(\.name) == [
                "payments", "orders",
            ])
        let wrong = #expect(throws: DeployArtifactError.self) {
            try DeployArtifacts.select(["telemetry"], from: artifacts, kind: .function)
        }
        #expect(wrong == .wrongKind(name: "telemetry", asked: .function, found: .extension))
    }

    /// A function and a layer are different things on Lambda: a shared name needs the kind.
    @Test func aNameThatIsBothKindsNeedsTheKind() throws {
        let artifacts: [DeployableArtifact] = [
            .init(name: "twin", kind: .function, source: .directory("/l/twin")),
            .init(name: "twin", kind: .extension, source: .executable("/l/extensions/twin")),
        ]
        let error = #expect(throws: DeployArtifactError.self) { try DeployArtifacts.select(["twin"], from: artifacts) }
        #expect(error == .ambiguousName("twin"))
        #expect(try DeployArtifacts.select(["twin"], from: artifacts, kind: .extension) == [artifacts[1]])
        #expect(try DeployArtifacts.select([], from: artifacts).count == 2, "with no names, both are deployed")
    }

    @Test func aMissingOrEmptyLambdaDirectorySaysToBuild() throws {
        let tree = try TreeFixture("deploy-empty")
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let missing = #expect(throws: DeployArtifactError.self) { try DeployArtifacts.list(in: "\(tree.root)/nope") }
        #expect("\(missing!)".contains("run `swift-lambda build` first"))
        #expect(try DeployArtifacts.list(in: tree.root) == [])
    }
}

extension DeployArtifactsListingTests {
    @Test func findingInAnEmptyDirectorySaysToBuild() throws {
        let tree = try TreeFixture("deploy-none")
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let error = #expect(throws: DeployArtifactError.self) { try DeployArtifacts.find([], in: tree.root) }
        #expect(error == .nothingBuilt(path: tree.root))
    }
}
