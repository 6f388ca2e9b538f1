import Archiver
import Foundation
import LambdaSupport
import Testing

@testable import OCIImage
import ExternalToolSupport

/// The layer's bytes as Python's `tarfile`/`gzip` and libarchive's `bsdtar` read them: every
/// field that could carry the machine, the user or the time is pinned.
@Suite struct LayerWriterTests {
    static let epoch: Int64 = 315_532_800

    /// A small system-like layer: a directory symlink, a sticky tmp, files and a nested path.
    static func systemEntries(_ scratch: Scratch) throws -> [LayerEntry] {
        [
            .file("usr/lib64/libfake.so.1", source: try scratch.file("in/libfake", "ELF?")),
            .symlink("lib64", target: "usr/lib64"),
            .directory("tmp", mode: 0o1777),
            .file("etc/os-release", source: try scratch.file("in/os-release", "ID=test\n", mode: 0o600)),
            .file("usr/bin/tool", source: try scratch.file("in/tool", "#!/bin/sh\n", mode: 0o700), executable: true),
        ]
    }

    @Test(.requires("python3"))
    func entriesAreSortedWithParentsOwnedByRootAtTheEpoch() throws {
        let scratch = try Scratch()
        let summary = try LayerWriter.write(try Self.systemEntries(scratch), to: scratch.path("layer.tar.gz"))
        let listing = try TarListing.read(scratch.path("layer.tar.gz"))

        #expect(
            listing.members.map(\.name) == [
                "etc", "etc/os-release", "lib64", "tmp", "usr", "usr/bin", "usr/bin/tool", "usr/lib64",
                "usr/lib64/libfake.so.1",
            ])
        #expect(listing.members.map(\.mode) == [0o755, 0o644, 0o777, 0o1777, 0o755, 0o755, 0o755, 0o755, 0o644])
        #expect(listing.members.map(\.type) == ["dir", "file", "symlink", "dir", "dir", "dir", "file", "dir", "file"])
        #expect(listing.members.first { $0.name == "lib64" }?.linkname == "usr/lib64")
        for member in listing.members {
            #expect(member.uid == 0 && member.gid == 0 && member.uname == "" && member.gname == "", "\(member.name)")
            #expect(member.mtime == Int(Self.epoch), "\(member.name)")
            #expect(member.pax.isEmpty, "no extended header for a short ASCII name: \(member.name)")
            #expect(member.devmajor == 0 && member.devminor == 0, "\(member.name)")
        }
        #expect(listing.magics == ["7573746172003030"], "every header is POSIX ustar (\"ustar\\0\" \"00\")")
        // The two zero records end the tar, with no padding to libarchive's 10240-byte blocks.
        #expect(listing.tarSize == (9 + 3) * 512 + 1024, "nine headers, three one-block files, two end records")

        #expect(summary.digest.hex == listing.fileSHA256)
        #expect(summary.diffID.hex == listing.tarSHA256)
        #expect(summary.uncompressedSize == Int64(listing.tarSize))
        #expect(summary.compressedSize == Int64(try scratch.bytes("layer.tar.gz").count))
    }

    @Test func gzipHeaderHasNoTimeAndNoName() throws {
        let scratch = try Scratch()
        let summary = try LayerWriter.write(try Self.systemEntries(scratch), to: scratch.path("layer.tar.gz"))
        let bytes = try scratch.bytes("layer.tar.gz")
        #expect(bytes[0] == 0x1f && bytes[1] == 0x8b && bytes[2] == 8, "gzip, deflate")
        #expect(bytes[3] == 0, "FLG: no FNAME, FCOMMENT, FEXTRA or FHCRC")
        #expect(Array(bytes[4..<8]) == [0, 0, 0, 0], "MTIME 0: no time of writing")
        #expect(bytes[9] == 3, "OS Unix")
        // The file ends with the gzip trailer (ISIZE = the tar's size): no block padding after it,
        // which Go's multistream gzip reader (containerd, Docker) would take for a broken member.
        let isize = bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int64($1) }
        #expect(isize == summary.uncompressedSize)
    }

    @Test(.requires("python3"))
    func onlyALongOrNonASCIINameGetsAnExtendedHeaderAndOnlyItsPath() throws {
        let scratch = try Scratch()
        let long = "var/task/" + String(repeating: "d", count: 120) + "/" + String(repeating: "f", count: 120)
        let entries: [LayerEntry] = [
            .file(long, source: try scratch.file("in/a", "a")),
            .file("var/task/é.txt", source: try scratch.file("in/b", "b")),
            .symlink("var/task/link", target: String(repeating: "t/", count: 60)),
        ]
        try LayerWriter.write(entries, to: scratch.path("layer.tar.gz"))
        let listing = try TarListing.read(scratch.path("layer.tar.gz"))
        let members = listing.members
        // The extended headers themselves: named without a process id, owned by 0/0 at the epoch.
        let extended = listing.headers.filter { $0.type == "x" }
        #expect(extended.count == 4, "the long file, its long parent directory, é.txt, the long link")
        #expect(
            extended.allSatisfy { $0.name.contains("PaxHeader/") && !$0.name.contains("PaxHeader.") },
            "\(extended.map(\.name))")
        #expect(extended.allSatisfy { $0.uid == 0 && $0.gid == 0 && $0.uname == "" && $0.gname == "" })
        #expect(extended.allSatisfy { $0.mtime == Int(Self.epoch) })
        #expect(listing.headers.filter { $0.type != "x" }.count == members.count, "no global (g) header either")
        let byName = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })

        #expect(byName[long]?.pax == ["path": long])
        #expect(byName["var/task/é.txt"]?.pax == ["path": "var/task/é.txt"])
        #expect(byName["var/task/link"]?.pax == ["linkpath": String(repeating: "t/", count: 60)])
        #expect(byName["var/task"]?.pax == [:])
        #expect(members.allSatisfy { $0.mtime == Int(Self.epoch) && $0.uid == 0 })
        #expect(
            members.allSatisfy { Set($0.pax.keys).isSubset(of: ["path", "linkpath"]) }, "no atime, ctime, dev, ino")
    }

    @Test(.requires("bsdtar"))
    func bsdtarListsOwnersModesAndTheEpoch() throws {
        let scratch = try Scratch()
        let options = try LayerOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        try LayerWriter.write(try Self.systemEntries(scratch), to: scratch.path("layer.tar.gz"), options: options)
        let output = try ExternalTool.run(
            "bsdtar", ["-tvzf", scratch.path("layer.tar.gz")], environment: ["TZ": "UTC", "LC_ALL": "C"])
        let rows = output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }

        #expect(rows.count == 9)
        #expect(rows.allSatisfy { $0[2] == "0" && $0[3] == "0" }, "owner 0/0 with no names")
        #expect(rows.allSatisfy { $0[5...7] == ["Nov", "14", "2023"] }, "\(output)")
        #expect(rows.first { $0[8] == "tmp/" }?[0] == "drwxrwxrwt")
        #expect(
            rows.first { $0[8] == "lib64" }.map { Array($0[0...0] + $0[9...]) } == ["lrwxrwxrwx", "->", "usr/lib64"])
        #expect(rows.first { $0[8] == "usr/bin/tool" }?[0] == "-rwxr-xr-x")
    }

    @Test func sourceDateEpochIsReadFromTheGivenEnvironment() throws {
        #expect(try LayerOptions.deterministic(environment: [:]).modificationTime == 315_532_800)
        #expect(try LayerOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": ""]).modificationTime == 315_532_800)
        #expect(try LayerOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": "42"]).modificationTime == 42)
        #expect(throws: (any Error).self) { try LayerOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": "-1"]) }
        #expect(throws: (any Error).self) { try LayerOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": "1e9"]) }
    }

    @Test func invalidEntriesAreRefusedAndNothingIsLeft() throws {
        let scratch = try Scratch()
        let source = try scratch.file("in/a", "a")
        let cases: [([LayerEntry], OCIImageError)] = [
            ([.file("../a", source: source)], .invalidEntryPath("../a", problem: "contains '..'")),
            ([.file("/a", source: source)], .invalidEntryPath("/a", problem: "is absolute")),
            ([.file("a//b", source: source)], .invalidEntryPath("a//b", problem: "contains an empty component ('//')")),
            ([.file("a", source: source), .directory("a/")], .duplicateEntry("a")),
            ([.file("a", source: source), .file("a/b", source: source)], .entryBelowNonDirectory("a/b", parent: "a")),
            ([.directory("d", mode: 0o40755)], .invalidMode(entry: "d", mode: 0o40755)),
            ([.symlink("l", target: "")], .invalidSymlinkTarget(entry: "l", target: "")),
            (
                [.file("a", source: scratch.path("missing"))],
                .missingSource(entry: "a", source: scratch.path("missing"))
            ),
            ([.file("a", source: scratch.path("in"))], .sourceNotRegularFile(entry: "a", source: scratch.path("in"))),
        ]
        for (entries, expected) in cases {
            #expect(throws: expected) { try LayerWriter.write(entries, to: scratch.path("out.tar.gz")) }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.root)
        #expect(left == ["in"], "no layer and no temporary file")

        // A failure while writing (the source is a directory) leaves an earlier layer as it was.
        try LayerWriter.write([.file("a", source: source)], to: scratch.path("out.tar.gz"))
        let before = try scratch.bytes("out.tar.gz")
        #expect(throws: OCIImageError.sourceNotRegularFile(entry: "b", source: scratch.path("in"))) {
            try LayerWriter.write(
                [.file("a", source: source), .file("b", source: scratch.path("in"))], to: scratch.path("out.tar.gz"))
        }
        #expect(try scratch.bytes("out.tar.gz") == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.root).sorted() == ["in", "out.tar.gz"])
    }

    @Test func archiveEntriesGoBelowAPrefixWithTheirZipModes() {
        let entries = [
            LayerEntry(.file("bootstrap", source: "/b", executable: true), under: "var/task"),
            LayerEntry(.directory("Pkg_T.resources/"), under: "var/task/"),
            LayerEntry(.symlink("Pkg_T.resources/l", target: "c.json"), under: "var/task"),
            LayerEntry(.file("data", source: "/d"), under: ""),
        ]
        #expect(
            entries == [
                LayerEntry(path: "var/task/bootstrap", kind: .file(source: "/b"), mode: 0o755),
                LayerEntry(path: "var/task/Pkg_T.resources/", kind: .directory, mode: 0o755),
                LayerEntry(path: "var/task/Pkg_T.resources/l", kind: .symlink(target: "c.json"), mode: 0o777),
                LayerEntry(path: "data", kind: .file(source: "/d"), mode: 0o644),
            ])
    }
}
