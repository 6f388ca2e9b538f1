import Archiver
import BuildPlanner
import Foundation
import LambdaSupport
import LambdaTestSupport
import Testing

/// The walk of a shipped directory: links are items, never entered, so loops end; what cannot
/// be shipped is refused saying why (issue 15, items 4 to 6).
@Suite struct IncludeTreeTests {
    let tree: TreeFixture

    init() throws {
        tree = try TreeFixture("tree")
        try tree.directory("data/sub")
        try tree.file("data/app.json")
    }

    var data: String { "\(tree.root)/data" }

    /// The walk, with a watchdog: a walk that follows a link into its own directory never ends.
    func walk(_ root: String) throws -> [IncludeTree.Item] {
        try Deadline.run(within: .seconds(60)) {
            var items: [IncludeTree.Item] = []
            try IncludeTree.walk(root) { items.append($0) }
            return items
        }
    }

    func shape(_ items: [IncludeTree.Item]) -> [String] {
        items.map { item in
            switch item.kind {
            case .directory: "\(item.path)/"
            case .file: item.path
            case .symlink(let target): "\(item.path) -> \(target)"
            }
        }
    }

    /// `a -> .` and `b -> .`, and two `..` links in a subdirectory: loops that stay inside are
    /// kept as links, and the walk ends (it used to walk `a/b/a/...` forever).
    @Test func loopsThatStayInsideAreKeptAsLinks() throws {
        try tree.link("data/a", ".")
        try tree.link("data/b", ".")
        try tree.link("data/sub/up1", "..")
        try tree.link("data/sub/up2", "..")
        #expect(shape(try walk(data)) == ["a -> .", "app.json", "b -> .", "sub/", "sub/up1 -> ..", "sub/up2 -> .."])
    }

    @Test func aLoopThatLeavesIsAnError() throws {
        try tree.link("data/dot", ".")
        try tree.link("data/esc", "dot/..")
        #expect(throws: IncludeError.symlinkEscapes(link: "\(data)/esc", target: "dot/..")) { try walk(data) }
    }

    /// The report's form of item 4, which the lexical check let through.
    @Test func aChainThroughADotLinkThatClimbsOutIsAnError() throws {
        let pw = String(repeating: "dot/", count: 8) + String(repeating: "../", count: 8) + "etc/passwd"
        try tree.link("data/dot", ".")
        try tree.link("data/pw", pw)
        #expect(throws: IncludeError.symlinkEscapes(link: "\(data)/pw", target: pw)) { try walk(data) }
    }

    @Test func danglingAndLoopingLinksAreErrors() throws {
        try tree.link("data/gone", "missing/../app.json")
        #expect(throws: IncludeError.symlinkDangles(link: "\(data)/gone", target: "missing/../app.json")) { try walk(data) }
        try FileManager.default.removeItem(atPath: "\(data)/gone")
        try tree.link("data/x", "y")
        try tree.link("data/y", "x")
        #expect(throws: IncludeError.symlinkLoops(link: "\(data)/x", target: "y")) { try walk(data) }
    }

    /// Refused, not shipped: zip names are UTF-8 and flagged so; another byte is read by each
    /// unzip its own way (Info-ZIP keeps it, Python's zipfile reads CP437), so the function
    /// would find its file under another name, or not at all.
    @Test func aNameThatIsNotUTF8IsRefusedSayingWhy() throws {
        try tree.file(in: "data/sub", bytes: Array("caf".utf8) + [0xE9] + Array(".txt".utf8))
        #expect(throws: IncludeError.nameNotUTF8(path: "\(data)/sub/caf\\xE9.txt")) { try walk(data) }
        let message = "\(IncludeError.nameNotUTF8(path: "\(data)/sub/caf\\xE9.txt"))"
        #expect(message.hasPrefix("'\(data)/sub/caf\\xE9.txt' has a name that is not UTF-8"))
        #expect(message.contains("zip entry names are UTF-8"))
    }

    @Test func aLinkTargetThatIsNotUTF8IsRefused() throws {
        try tree.link("data/l", bytes: [0x61, 0xFF])
        #expect(throws: IncludeError.symlinkTargetNotUTF8(link: "\(data)/l", target: "a\\xFF")) { try walk(data) }
    }

    @Test func escapedKeepsUTF8AndWritesOtherBytesAsHex() {
        #expect(FileSystem.escaped(Array("é/ü".utf8)) == "é/ü")
        #expect(FileSystem.escaped([0x63, 0xE9, 0x2E, 0xC3]) == "c\\xE9.\\xC3")
        #expect(FileSystem.escaped([0xED, 0xA0, 0x80]) == "\\xED\\xA0\\x80", "a UTF-16 surrogate is not UTF-8")
    }

    /// A directory mounted inside itself is a real directory to lstat(2); the walk ends at it.
    @Test func aBindMountIntoItselfIsAnError() throws {
        try tree.directory("data/sub/mnt")
        let mount = try TestCommand.run("/bin/mount", ["--bind", data, "\(data)/sub/mnt"])
        guard mount.status == 0 else { return }  // not allowed here (no root, or no mount namespace)
        defer { _ = try? TestCommand.run("/bin/umount", ["\(data)/sub/mnt"]) }
        #expect(throws: IncludeError.directoryLoop(path: "\(data)/sub/mnt", ancestor: data)) { try walk(data) }
    }

    /// Through `ArtifactContents` (the entries) the same walk decides, and a top-level symlink
    /// to a directory is followed.
    @Test func artifactEntriesKeepTheLoopLinks() throws {
        try tree.link("data/self", ".")
        try tree.link("top", "data")
        let planned = PlannedArtifact(
            product: "app", kind: .function, sourceBinary: "/bin/true", stripsSymbols: false, targets: ["App"],
            root: "/out/app", ownsRoot: true, layout: ArtifactLayout(executable: "bootstrap"), bundles: [],
            includes: [IncludeSpec(destination: "data", source: "top")], zip: nil)
        let root = tree.root
        let contents = try Deadline.run(within: .seconds(60)) {
            try ArtifactContents.resolve(planned, executableSource: "/bin/true", currentDirectory: root)
        }
        #expect(contents.includes[0].entries == [
            .directory("data"),
            .file("data/app.json", source: "\(tree.root)/top/app.json", executable: false),
            .symlink("data/self", target: "."),
            .directory("data/sub"),
        ])
    }
}
