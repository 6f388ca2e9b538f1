import Foundation
import Testing

@testable import OCIImage
import ExternalToolSupport

/// Crafted layers, made with Python's `tarfile` (names no writer here would produce), against the
/// unpacker's refusals and its whiteouts. Each refusal is also checked to have written nothing
/// outside the root.
@Suite(.enabled(if: ExternalTool.isAvailable("python3"), "not installed: python3"))
struct ImageUnpackerTests {
    /// One member: name, type (file, dir, symlink, hardlink, chr, fifo), link name, data, mode.
    struct Member: Encodable {
        var name: String
        var type = "file"
        var linkname = ""
        var data = ""
        var mode = 0o644

        static func file(_ name: String, _ data: String = "x", mode: Int = 0o644) -> Member {
            Member(name: name, data: data, mode: mode)
        }
        static func dir(_ name: String, mode: Int = 0o755) -> Member { Member(name: name, type: "dir", mode: mode) }
        static func symlink(_ name: String, _ target: String) -> Member {
            Member(name: name, type: "symlink", linkname: target, mode: 0o777)
        }
        static func hardlink(_ name: String, _ target: String) -> Member {
            Member(name: name, type: "hardlink", linkname: target)
        }
    }

    static let script = """
        import io, json, sys, tarfile
        path, members = sys.argv[1], json.loads(sys.argv[2])
        types = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE,
                 'hardlink': tarfile.LNKTYPE, 'chr': tarfile.CHRTYPE, 'fifo': tarfile.FIFOTYPE}
        with tarfile.open(path, 'w:gz', format=tarfile.PAX_FORMAT) as t:
            for m in members:
                info = tarfile.TarInfo(m['name'])
                info.type, info.mode, info.linkname = types[m['type']], m['mode'], m['linkname']
                data = m['data'].encode()
                info.size = len(data) if m['type'] == 'file' else 0
                t.addfile(info, io.BytesIO(data) if m['type'] == 'file' else None)
        """

    /// Writes a gzip'd tar of `members` and returns its path.
    static func layer(_ scratch: Scratch, _ name: String, _ members: [Member]) throws -> String {
        let path = scratch.path(name + ".tar.gz")
        let json = String(decoding: try JSONEncoder().encode(members), as: UTF8.self)
        try ExternalTool.python(script, [path, json])
        return path
    }

    /// Unpacks `layers` into `scratch/root`; `scratch/outside` is a directory a layer may aim at.
    static func unpack(_ scratch: Scratch, _ layers: [[Member]]) throws {
        _ = try scratch.directory("outside")
        let paths = try layers.enumerated().map { (index, members) in
            (name: "layer\(index)", path: try layer(scratch, "layer\(index)", members))
        }
        try ImageUnpacker.unpack(layers: paths, into: scratch.path("root"))
    }

    func expectRefusal(_ layers: [[Member]], entry: String, containing problem: String) throws {
        let scratch = try Scratch()
        do {
            try Self.unpack(scratch, layers)
            Issue.record("unpacked although '\(entry)' should be refused")
        } catch OCIImageError.unsafeLayerEntry(_, let refused, let message) {
            #expect(refused == entry)
            #expect(message.contains(problem), "\(message)")
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.path("outside")).isEmpty,
            "nothing written outside")
        #expect(!FileManager.default.fileExists(atPath: scratch.root + "/escape"))
    }

    @Test func parentComponentsAreRefused() throws {
        try expectRefusal([[.file("ok"), .file("../escape")]], entry: "../escape", containing: "contains '..'")
        try expectRefusal([[.file("a/../../escape")]], entry: "a/../../escape", containing: "contains '..'")
    }

    @Test func absolutePathsAreRefused() throws {
        let scratch = try Scratch()
        let target = scratch.path("abs-target")
        try expectRefusal([[.file(target)]], entry: target, containing: "is absolute")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func aPlantedSymlinkIsNeverFollowed() throws {
        let scratch = try Scratch()
        let outside = scratch.path("outside")
        // In one layer, then across layers.
        try expectRefusal(
            [[.symlink("link", outside), .file("link/file")]], entry: "link/file", containing: "a symlink")
        try expectRefusal(
            [[.symlink("link", outside)], [.file("link/file")]], entry: "link/file", containing: "a symlink")
        try expectRefusal([[.symlink("link", "../.."), .dir("link/sub")]], entry: "link/sub/", containing: "a symlink")
        // A whiteout below a symlink deletes nothing outside either.
        try expectRefusal(
            [[.symlink("link", outside)], [.file("link/.wh.x")]], entry: "link/.wh.x", containing: "a symlink")
    }

    @Test func aFileOverAPlantedSymlinkReplacesTheLink() throws {
        let scratch = try Scratch()
        try Self.unpack(scratch, [[.symlink("victim", scratch.path("outside/target"))], [.file("victim", "new")]])
        #expect(try fileTree(scratch.path("root")) == ["victim": "f 644 new"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("outside")).isEmpty)
    }

    @Test func hardLinksMustNameAFileInTheRoot() throws {
        try expectRefusal([[.hardlink("passwd", "/etc/passwd")]], entry: "passwd", containing: "is absolute")
        try expectRefusal([[.hardlink("up", "../outside/x")]], entry: "up", containing: "contains '..'")
        try expectRefusal([[.hardlink("missing", "nothing-here")]], entry: "missing", containing: "not a file unpacked")
        let scratch = try Scratch()
        try expectRefusal(
            [[.symlink("link", scratch.path("outside")), .hardlink("through", "link/x")]], entry: "through",
            containing: "a symlink")

        try Self.unpack(scratch, [[.file("a", "shared"), .hardlink("b", "a")]])
        var first = stat()
        var second = stat()
        #expect(lstat(scratch.path("root/a"), &first) == 0 && lstat(scratch.path("root/b"), &second) == 0)
        #expect(first.st_ino == second.st_ino)
    }

    @Test func devicesAndFIFOsAreRefused() throws {
        try expectRefusal(
            [[Member(name: "dev/null", type: "chr")]], entry: "dev/null", containing: "a character device")
        try expectRefusal([[Member(name: "pipe", type: "fifo")]], entry: "pipe", containing: "a FIFO")
    }

    @Test func whiteoutsApplyToTheLayersBelow() throws {
        let scratch = try Scratch()
        try Self.unpack(
            scratch,
            [
                [
                    .dir("etc"), .file("etc/keep"), .file("etc/gone"), .dir("opt/tool"), .file("opt/tool/old"),
                    .file("opt/x"),
                ],
                [
                    .file("etc/.wh.gone"),
                    // Written before the opaque marker in the same layer: kept (whiteouts hide lower layers only).
                    .file("opt/-new", "n"), .file("opt/.wh..wh..opq"), .file("opt/tool/fresh", "f"),
                ],
            ])
        #expect(
            try fileTree(scratch.path("root")) == [
                "etc": "d 755", "etc/keep": "f 644 x", "opt": "d 755", "opt/-new": "f 644 n", "opt/tool": "d 755",
                "opt/tool/fresh": "f 644 f",
            ])
    }

    @Test func modesSymlinksAndDotSlashNamesAreKept() throws {
        let scratch = try Scratch()
        try Self.unpack(
            scratch,
            [
                [
                    .dir("./"), .dir("./tmp", mode: 0o1777), .dir("./usr/lib64"), .symlink("./lib64", "usr/lib64"),
                    .file("./usr/lib64/x", "e", mode: 0o755),
                ]
            ])
        #expect(
            try fileTree(scratch.path("root")) == [
                "tmp": "d 1777", "usr": "d 755", "usr/lib64": "d 755", "lib64": "l usr/lib64", "usr/lib64/x": "f 755 e",
            ])
    }

    /// The second line: were a name to get past the unpacker's own checks, libarchive's disk
    /// writer (SECURE_SYMLINKS) still refuses to write through a planted symlink.
    @Test func libarchiveRefusesAPathThroughASymlinkOnItsOwn() throws {
        let scratch = try Scratch()
        let outside = try scratch.directory("outside")
        let root = try scratch.directory("root")
        #expect(symlink(outside, root + "/link") == 0)
        let layer = try Self.layer(scratch, "direct", [.file("link/file", "escaped")])
        let reader = try LibArchiveTarReader(path: layer)
        let header = try #require(try reader.next())
        #expect(throws: OCIImageError.self) {
            try reader.extractCurrent(to: root + "/" + header.path, linkTarget: nil, name: header.path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func theDestinationMustBeEmpty() throws {
        let scratch = try Scratch()
        try scratch.file("root/old", "x")
        #expect(throws: OCIImageError.destinationNotEmpty(scratch.path("root"))) {
            try ImageUnpacker.unpack(layers: [], into: scratch.path("root"))
        }
    }
}
