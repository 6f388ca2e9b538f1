import Archiver
import Foundation
import LambdaTestSupport
import Testing

/// Every way a symlink can lead out of (or nowhere in) a shipped directory, resolved on a real
/// tree as the kernel would (issue 15, item 4). The tree:
///
///     app.json  sub/  sub/deep.txt  dot -> .
@Suite struct SymlinkResolverTests {
    let tree: TreeFixture

    init() throws {
        tree = try TreeFixture("resolver")
        try tree.directory("sub")
        try tree.file("app.json")
        try tree.file("sub/deep.txt")
        try tree.link("dot", ".")
    }

    /// Resolves a link at `path` (below the root) with `target`, creating it first so that
    /// resolutions through it see it.
    func resolve(_ path: String, _ target: String) throws -> SymlinkResolver.Resolution {
        try tree.link(path, target)
        let directory = path.split(separator: "/").dropLast().map(String.init)
        return SymlinkResolver(root: tree.root).resolve(target: Array(target.utf8), from: directory)
    }

    @Test func linksThatStayInsideResolveToTheirItem() throws {
        #expect(try resolve("current.json", "app.json") == .inside("app.json"))
        #expect(try resolve("s", "sub") == .inside("sub"))
        #expect(try resolve("sub/up", "..") == .inside("."))
        #expect(try resolve("sub/sibling", "../sub/./deep.txt") == .inside("sub/deep.txt"))
        #expect(try resolve("through", "dot/dot/sub/deep.txt") == .inside("sub/deep.txt"))
        #expect(try resolve("slash", "sub/") == .inside("sub"))
    }

    /// `self -> .` stays inside but is a directory loop: the walk keeps it as a link and never
    /// enters it (see `IncludeTreeTests`).
    @Test func aLinkToTheRootIsInside() throws {
        #expect(try resolve("self", ".") == .inside("."))
        #expect(try resolve("sub/root", "../dot/dot") == .inside("."))
    }

    /// The report's form: a chain of `dot -> .` reads as climbing 8 of 16 `..`s but climbs all.
    @Test func chainsOfLinksClimbingOutEscape() throws {
        let pw = String(repeating: "dot/", count: 8) + String(repeating: "../", count: 8) + "etc/passwd"
        #expect(try resolve("pw", pw) == .escapes)
        #expect(try resolve("sub/pw", "../dot/../etc/passwd") == .escapes)
    }

    @Test func parentAfterALinkEscapes() throws {
        #expect(try resolve("esc", "dot/..") == .escapes)
        #expect(try resolve("sub/back", "..") == .inside("."))
        #expect(try resolve("esc2", "sub/back/..") == .escapes)
        #expect(try resolve("esc3", "sub/back/../x") == .escapes)
    }

    @Test func climbingAtTheRootEscapesEvenToComeBackByName() throws {
        let name = (tree.root as NSString).lastPathComponent
        #expect(try resolve("up", "..") == .escapes)
        #expect(try resolve("back", "../\(name)/app.json") == .escapes)
        #expect(try resolve("sub/up2", "../..") == .escapes)
    }

    /// An absolute target names the build machine, never the artifact, even one pointing into the tree.
    @Test func absoluteTargetsEscape() throws {
        #expect(try resolve("passwd", "/etc/passwd") == .escapes)
        #expect(try resolve("inside", "\(tree.root)/app.json") == .escapes)
        #expect(try resolve("root", "/") == .escapes)
    }

    @Test func linksToLinksAreFollowed() throws {
        try tree.link("c", "app.json")
        try tree.link("b", "c")
        #expect(try resolve("a", "b") == .inside("app.json"))
        try tree.link("out", "/etc")
        #expect(try resolve("via", "out") == .escapes)
        try tree.link("sub/out", "../..")
        #expect(try resolve("via2", "sub/out/etc") == .escapes)
    }

    @Test func loopsAndTooManyHopsLoop() throws {
        try tree.link("y", "x")
        #expect(try resolve("x", "y") == .loops)
        #expect(try resolve("me", "me") == .loops)
        // The link itself and 39 more is Linux's 40; one more is ELOOP.
        #expect(try resolve("far", String(repeating: "dot/", count: 39) + "app.json") == .inside("app.json"))
        #expect(try resolve("farther", String(repeating: "dot/", count: 40) + "app.json") == .loops)
    }

    /// Lexically inside, but the kernel stops at the missing name or at the file (ENOENT, ENOTDIR).
    @Test func missingItemsAndPathsThroughFilesDangle() throws {
        #expect(try resolve("gone", "missing.txt") == .dangles)
        #expect(try resolve("gone2", "missing/../app.json") == .dangles)
        #expect(try resolve("notdir", "app.json/..") == .dangles)
        #expect(try resolve("notdir2", "app.json/") == .dangles)
        #expect(SymlinkResolver(root: tree.root).resolve(target: [0x61, 0xFF], from: []) == .dangles)
    }

    /// The decision is pure over what each path is: the same answers from a described tree.
    @Test func resolutionNeedsOnlyALookup() {
        let resolver = SymlinkResolver { components in
            switch components.joined(separator: "/") {
            case "d": return .directory
            case "d/up": return .symlink(target: Array("..".utf8))
            case "f": return .other
            default: return .missing
            }
        }
        #expect(resolver.resolve(target: Array("d/up/f".utf8), from: []) == .inside("f"))
        #expect(resolver.resolve(target: Array("d/up/..".utf8), from: []) == .escapes)
        #expect(resolver.resolve(target: Array("up/../f".utf8), from: ["d"]) == .escapes)
    }
}
