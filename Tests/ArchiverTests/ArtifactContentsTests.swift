import Archiver
import BuildPlanner
import Foundation
import Testing

/// Resolving bundles and includes into entries, on real temporary trees.
@Suite struct ArtifactContentsTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("contents-\(UUID().uuidString)").path
        let manager = FileManager.default
        try manager.createDirectory(atPath: "\(root)/bin/Pkg_Lib.resources/nested", withIntermediateDirectories: true)
        try Data("data".utf8).write(to: URL(fileURLWithPath: "\(root)/bin/Pkg_Lib.resources/nested/a.txt"))
        try Data("elf".utf8).write(to: URL(fileURLWithPath: "\(root)/bin/app"))
        try manager.createDirectory(atPath: "\(root)/work/conf/deep", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(root)/work/conf/app.json"))
        try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: "\(root)/work/conf/deep/run.sh"))
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: "\(root)/work/conf/deep/run.sh")
        try manager.createSymbolicLink(atPath: "\(root)/work/conf/current.json", withDestinationPath: "app.json")
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/work/single.txt"))
    }

    func artifact(kind: ArtifactKind = .function, includes: [IncludeSpec] = []) -> PlannedArtifact {
        let layout: ArtifactLayout
        let zip: PlannedZip
        switch kind {
        case .function:
            layout = ArtifactLayout(executable: "bootstrap")
            zip = PlannedZip(path: "/out/app/bootstrap.zip", layout: layout)
        case .extension(let isInternal):
            layout = ArtifactLayout(executable: "extensions/app")
            zip = PlannedZip(
                path: "/out/extensions/app.zip",
                layout: isInternal ? ArtifactLayout(executable: "app") : ArtifactLayout(executable: "extensions/app", directories: ["extensions"]))
        }
        return PlannedArtifact(
            product: "app", kind: kind, sourceBinary: "\(root)/bin/app", stripsSymbols: false, targets: ["App"],
            root: kind == .function ? "/out/app" : "/out", ownsRoot: kind == .function, layout: layout,
            bundles: [PlannedBundle(name: "Pkg_Lib.resources", source: "\(root)/bin/Pkg_Lib.resources")],
            includes: includes, zip: zip)
    }

    func resolve(_ artifact: PlannedArtifact) throws -> ArtifactContents {
        try ArtifactContents.resolve(artifact, executableSource: "\(root)/bin/app", currentDirectory: "\(root)/work")
    }

    /// Every include error the plan and the disk decide is raised before compiling, with the
    /// executable and the bundles not built yet (issue 14, item 6).
    @Test func includeErrorsAreKnownWithoutTheBuiltFiles() throws {
        var unbuilt = artifact(includes: [IncludeSpec(destination: "bootstrap", source: "single.txt")])
        unbuilt.sourceBinary = "\(root)/not-built/app"
        unbuilt.bundles = [PlannedBundle(name: "Pkg_Lib.resources", source: "\(root)/not-built/Pkg_Lib.resources")]
        let check = { (includes: [IncludeSpec]) in
            var planned = unbuilt
            planned.includes = includes
            try ArtifactContents.checkIncludes(of: planned, currentDirectory: "\(root)/work")
        }
        #expect(throws: IncludeError.collidesWithExecutable(include: "single.txt", entry: "bootstrap")) {
            try check([IncludeSpec(destination: "bootstrap", source: "single.txt")])
        }
        #expect(throws: IncludeError.missing(path: "absent.txt")) { try check([IncludeSpec(destination: "a", source: "absent.txt")]) }
        #expect(throws: IncludeError.collision(entry: "Pkg_Lib.resources", first: "bundle Pkg_Lib.resources", second: "--include single.txt")) {
            try check([IncludeSpec(destination: "Pkg_Lib.resources", source: "single.txt")])
        }
        #expect(throws: IncludeError.collision(entry: "bootstrap.zip", first: "the zip", second: "--include single.txt")) {
            try check([IncludeSpec(destination: "bootstrap.zip", source: "single.txt")])
        }
        try FileManager.default.createSymbolicLink(atPath: "\(root)/work/conf/passwd", withDestinationPath: "/etc/passwd")
        #expect(throws: IncludeError.symlinkEscapes(link: "\(root)/work/conf/passwd", target: "/etc/passwd")) {
            try check([IncludeSpec(destination: "conf", source: "conf")])
        }
        try check([IncludeSpec(destination: "single.txt", source: "single.txt")])
    }

    /// A source outside the package (climbing, absolute, or a symlink that leads out) is named,
    /// with where it resolved to; one inside is not.
    @Test func includesOutsideThePackageAreFound() throws {
        try FileManager.default.createSymbolicLink(atPath: "\(root)/work/hostname", withDestinationPath: "/etc/hostname")
        let includes = [
            IncludeSpec(destination: "single.txt", source: "single.txt"),
            IncludeSpec(destination: "app.conf", source: "conf/app.json"),
            IncludeSpec(destination: "x", source: "../bin/app"),
            IncludeSpec(destination: "hostname", source: "/etc/hostname"),
            IncludeSpec(destination: "h", source: "hostname"),
        ]
        let outside = ArtifactContents.includesOutside("\(root)/work", of: includes, currentDirectory: "\(root)/work")
        #expect(outside.map(\.include.source) == ["../bin/app", "/etc/hostname", "hostname"])
        #expect(outside.map(\.resolved) == [
            FileSystemPaths.real("\(root)/bin/app"), FileSystemPaths.real("/etc/hostname"), FileSystemPaths.real("/etc/hostname"),
        ])
    }

    @Test func directoriesAreWalkedSortedWithModesAndInnerSymlinks() throws {
        let contents = try resolve(artifact(includes: [IncludeSpec(destination: "etc/conf", source: "conf")]))
        #expect(contents.includes[0].entries == [
            .directory("etc/conf"),
            .file("etc/conf/app.json", source: "\(root)/work/conf/app.json", executable: false),
            .symlink("etc/conf/current.json", target: "app.json"),
            .directory("etc/conf/deep"),
            .file("etc/conf/deep/run.sh", source: "\(root)/work/conf/deep/run.sh", executable: true),
        ])
        #expect(contents.bundles[0].entries.map(\.path) == [
            "Pkg_Lib.resources", "Pkg_Lib.resources/nested", "Pkg_Lib.resources/nested/a.txt",
        ])
    }

    @Test func functionZipHasEveryDirectoryOnce() throws {
        let planned = artifact(includes: [IncludeSpec(destination: "etc/conf", source: "conf")])
        let entries = try resolve(planned).zipEntries(for: planned, layout: try #require(planned.zip).layout)
        let paths = entries.map(\.path).sorted()
        #expect(paths.first == "Pkg_Lib.resources")
        #expect(paths.contains("etc"))
        #expect(Set(paths).count == paths.count)
        #expect(entries.contains(.file("bootstrap", source: "\(root)/bin/app", executable: true)))
    }

    @Test func layerZipPutsTheExtensionAndItsBundlesUnderExtensions() throws {
        let planned = artifact(kind: .extension(internal: false), includes: [IncludeSpec(destination: "single.txt", source: "single.txt")])
        let entries = try resolve(planned).zipEntries(for: planned, layout: try #require(planned.zip).layout)
        #expect(Set(entries.map(\.path)) == [
            "extensions", "extensions/app", "extensions/Pkg_Lib.resources", "extensions/Pkg_Lib.resources/nested",
            "extensions/Pkg_Lib.resources/nested/a.txt", "single.txt",
        ])
    }

    @Test func internalExtensionZipHasTheBinaryAtTheRoot() throws {
        let planned = artifact(kind: .extension(internal: true))
        let entries = try resolve(planned).zipEntries(for: planned, layout: try #require(planned.zip).layout)
        #expect(Set(entries.map(\.path)) == ["app", "Pkg_Lib.resources", "Pkg_Lib.resources/nested", "Pkg_Lib.resources/nested/a.txt"])
    }

    @Test func missingIncludeIsNamed() {
        #expect(throws: IncludeError.missing(path: "nope")) {
            try resolve(artifact(includes: [IncludeSpec(destination: "nope", source: "nope")]))
        }
    }

    @Test func includeOverBootstrapIsAnError() {
        #expect(throws: IncludeError.collidesWithExecutable(include: "single.txt", entry: "bootstrap")) {
            try resolve(artifact(includes: [IncludeSpec(destination: "bootstrap", source: "single.txt")]))
        }
    }

    @Test func includeOverTheExtensionsDirectoryIsAnError() {
        #expect(throws: IncludeError.collidesWithExecutable(include: "conf", entry: "extensions/app")) {
            try resolve(artifact(kind: .extension(internal: false), includes: [IncludeSpec(destination: "extensions", source: "conf")]))
        }
    }

    @Test func twoIncludesAtOnePlaceAreAnError() {
        #expect(throws: IncludeError.collision(entry: "x", first: "--include single.txt", second: "--include conf")) {
            try resolve(artifact(includes: [
                IncludeSpec(destination: "x", source: "single.txt"), IncludeSpec(destination: "x", source: "conf"),
            ]))
        }
    }

    @Test func includeIntoABundleIsAnError() {
        #expect(throws: IncludeError.collision(entry: "Pkg_Lib.resources/x", first: "bundle Pkg_Lib.resources", second: "--include single.txt")) {
            try resolve(artifact(includes: [IncludeSpec(destination: "Pkg_Lib.resources/x", source: "single.txt")]))
        }
    }

    @Test func includeOverTheZipIsAnError() {
        #expect(throws: IncludeError.collision(entry: "bootstrap.zip", first: "the zip", second: "--include single.txt")) {
            try resolve(artifact(includes: [IncludeSpec(destination: "bootstrap.zip", source: "single.txt")]))
        }
    }

    @Test func symlinksLeavingTheDirectoryAreErrors() throws {
        try FileManager.default.createSymbolicLink(atPath: "\(root)/work/conf/escape", withDestinationPath: "../single.txt")
        #expect(throws: IncludeError.symlinkEscapes(link: "\(root)/work/conf/escape", target: "../single.txt")) {
            try resolve(artifact(includes: [IncludeSpec(destination: "conf", source: "conf")]))
        }
        try FileManager.default.removeItem(atPath: "\(root)/work/conf/escape")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/work/conf/absolute", withDestinationPath: "\(root)/work/conf/app.json")
        #expect(throws: IncludeError.self) {
            try resolve(artifact(includes: [IncludeSpec(destination: "conf", source: "conf")]))
        }
    }
}

/// realpath(3), for comparing with what the library resolved (the temporary directory may
/// itself be a symlink).
enum FileSystemPaths {
    static func real(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
