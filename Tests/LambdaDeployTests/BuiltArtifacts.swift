import Archiver
import BuildPlanner
import Foundation
import LambdaSupport
import LambdaTestSupport

/// Artifacts written the way `build` writes them (`ArtifactWriter.stage`, then `commit`) from a
/// compiled fixture runtime, a resource bundle, includes and `lib/`, without `swift build`.
struct BuiltArtifacts {
    /// Holds the inputs (the "bin path", include sources) and the lambda directories.
    let tree: TreeFixture
    let binary: String
    let options = ZipOptions(modificationTime: 1_700_000_000)

    init(_ name: String) throws {
        tree = try TreeFixture(name)
        binary = try RuntimeFixtures.compiled().runtime
        try tree.directory("bin/Pkg_App.resources/nested/empty")
        try tree.file("bin/Pkg_App.resources/greeting.txt", "hello")
        try tree.file("bin/Pkg_App.resources/nested/run.sh", "#!/bin/sh\n")
        try FileSystem.setPermissions(0o755, of: "\(tree.root)/bin/Pkg_App.resources/nested/run.sh")
        try tree.link("bin/Pkg_App.resources/alias.txt", "greeting.txt")
        try tree.directory("inputs")
        try tree.file("inputs/settings.json", "{}")
        try tree.directory("inputs/static/css")
        try tree.file("inputs/static/css/site.css", "body{}")
        try tree.file("inputs/libfoo.so.1", "not really a library")
    }

    func remove() { try? FileManager.default.removeItem(atPath: tree.root) }

    /// A function `name` in `lambdaDirectory` with every kind of part; `zip` as `--output-format zip`.
    func function(_ name: String, in lambdaDirectory: String, zip: Bool, flattened: Bool = false) async throws {
        let root = flattened ? lambdaDirectory : "\(lambdaDirectory)/\(name)"
        let artifact = PlannedArtifact(
            product: name, kind: .function, sourceBinary: binary, stripsSymbols: false, targets: ["App"], root: root,
            ownsRoot: !flattened, layout: .function,
            bundles: [PlannedBundle(name: "Pkg_App.resources", source: "\(tree.root)/bin/Pkg_App.resources")],
            includes: [
                IncludeSpec(destination: "config/settings.json", source: "inputs/settings.json"),
                IncludeSpec(destination: "static", source: "inputs/static"),
            ],
            zip: zip ? PlannedZip(path: "\(root)/bootstrap.zip", layout: .function) : nil,
            libraries: [
                LibraryEntry(name: "libfoo.so.1", content: .file(source: "\(tree.root)/inputs/libfoo.so.1")),
                LibraryEntry(name: "libfoo.so", content: .symlink(target: "libfoo.so.1")),
            ])
        try await write(artifact)
    }

    /// An external extension `name`, with no other parts.
    func `extension`(_ name: String, in lambdaDirectory: String, zip: Bool, flattened: Bool = false) async throws {
        let executable = flattened ? name : "extensions/\(name)"
        let zipPath = flattened ? "\(lambdaDirectory)/\(name).zip" : "\(lambdaDirectory)/extensions/\(name).zip"
        let artifact = PlannedArtifact(
            product: name, kind: .extension(internal: false), sourceBinary: binary, stripsSymbols: false, targets: [],
            root: lambdaDirectory, ownsRoot: false, layout: ArtifactLayout(executable: executable), bundles: [],
            includes: [],
            zip: zip ? PlannedZip(path: zipPath, layout: .extensionZip(name, internal: false)) : nil)
        try await write(artifact)
    }

    private func write(_ artifact: PlannedArtifact) async throws {
        let staged = try await ArtifactWriter.stage(artifact, currentDirectory: tree.root, zipOptions: options) {
            destination in
            try FileSystem.copyFile(from: binary, to: destination, mode: 0o755)
        }
        try staged.commit()
    }
}

func bytes(_ path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
}
