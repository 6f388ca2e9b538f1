import Foundation
import LambdaSupport
import Testing

@testable import Archiver

/// The writer on its own: validation, ordering, determinism and what is left on disk after a
/// failure. Reading the zips back with independent tools is in `ZipInteropTests`.
@Suite struct ZipWriterTests {
    @Test func sameEntriesInAnyOrderGiveTheSameBytes() throws {
        let fixture = try ZipFixture()
        let entries = try fixture.functionLayout()
        let first = try ZipWriter.write(entries, to: fixture.path("a.zip"), options: ZipOptions())
        let second = try ZipWriter.write(entries.reversed(), to: fixture.path("b.zip"), options: ZipOptions())
        #expect(first.sha256 == second.sha256)
        #expect(try fixture.bytes("a.zip") == fixture.bytes("b.zip"))
    }

    @Test func touchingAndChmoddingInputsChangesNothing() throws {
        let fixture = try ZipFixture()
        let entries = try fixture.functionLayout()
        let before = try ZipWriter.write(entries, to: fixture.path("before.zip"), options: ZipOptions())

        let files = FileManager.default
        for input in ["src/bootstrap", "src/resources/config.json", "src/resources/é.txt"] {
            try files.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_234_567_890)], ofItemAtPath: fixture.path(input))
        }
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixture.path("src/resources/config.json"))
        let after = try ZipWriter.write(entries, to: fixture.path("after.zip"), options: ZipOptions())

        #expect(before.sha256Hex == after.sha256Hex)
        #expect(before.size == after.size)
        #expect(try fixture.bytes("before.zip") == fixture.bytes("after.zip"))
    }

    @Test func summaryDescribesTheFileOnDisk() throws {
        let fixture = try ZipFixture()
        let summary = try ZipWriter.write(
            try fixture.functionLayout(), to: fixture.path("f.zip"), options: ZipOptions())
        let bytes = try fixture.bytes("f.zip")
        #expect(summary.path == fixture.path("f.zip"))
        #expect(summary.size == Int64(bytes.count))
        #expect(summary.sha256 == SHA256Hasher.hash(bytes))
        #expect(summary.sha256Hex.count == 64)
        #expect(summary.sha256Base64 == Data(summary.sha256).base64EncodedString())
        #expect(summary.sha256Base64.hasSuffix("="))
        #expect(try fixture.leftovers().isEmpty)
    }

    @Test func storedNamesAreSortedByBytes() throws {
        let fixture = try ZipFixture()
        let names = ZipWriter.validatedNames(try fixture.functionLayout().shuffled())
        #expect(names == ZipFixture.functionNames)
    }

    @Test(arguments: [
        (ArchiveEntry.directory("/abs"), ArchiverError.invalidEntryPath("/abs", problem: .absolute)),
        (.directory("a/../b"), .invalidEntryPath("a/../b", problem: .parentComponent)),
        (.directory(".."), .invalidEntryPath("..", problem: .parentComponent)),
        (.directory("./a"), .invalidEntryPath("./a", problem: .currentComponent)),
        (.directory("a//b"), .invalidEntryPath("a//b", problem: .emptyComponent)),
        (.symlink("link/", target: "x"), .invalidEntryPath("link/", problem: .emptyComponent)),
        (.directory(""), .invalidEntryPath("", problem: .empty)),
        (.directory("a\u{0}b"), .invalidEntryPath("a\u{0}b", problem: .containsNUL)),
        (.symlink("dangling", target: ""), .invalidSymlinkTarget(entry: "dangling", target: "")),
    ])
    func invalidPathsAreRejected(entry: ArchiveEntry, expected: ArchiverError) throws {
        try expectRejected([entry], with: expected)
    }

    @Test func duplicatesAreRejected() throws {
        let fixture = try ZipFixture()
        let source = try fixture.file("src/x", "x")
        try expectRejected([.file("x", source: source), .file("x", source: source)], with: .duplicateEntry("x"))
        try expectRejected([.directory("d"), .directory("d/")], with: .duplicateEntry("d"))
        try expectRejected([.directory("d"), .symlink("d", target: "e")], with: .duplicateEntry("d"))
    }

    @Test func entriesBelowFilesAndSymlinksAreRejected() throws {
        let fixture = try ZipFixture()
        let source = try fixture.file("src/x", "x")
        try expectRejected(
            [.file("bootstrap", source: source), .file("bootstrap/inner", source: source)],
            with: .entryBelowNonDirectory("bootstrap/inner", parent: "bootstrap"))
        try expectRejected(
            [.symlink("lib", target: "usr/lib"), .directory("lib/x"), .file("lib/x/y", source: source)],
            with: .entryBelowNonDirectory("lib/x", parent: "lib"))
    }

    @Test func missingAndUnusableSourcesAreNamed() throws {
        let fixture = try ZipFixture()
        let missing = fixture.path("src/not-built")
        try expectRejected(
            [.file("bootstrap", source: missing)], with: .missingSource(entry: "bootstrap", source: missing))
        try FileManager.default.createDirectory(atPath: fixture.path("src/dir"), withIntermediateDirectories: true)
        try expectRejected(
            [.file("bootstrap", source: fixture.path("src/dir"))],
            with: .sourceNotRegularFile(entry: "bootstrap", source: fixture.path("src/dir")))
        let error = ArchiverError.missingSource(entry: "bootstrap", source: missing)
        #expect(error.description.contains(missing) && error.description.contains("'bootstrap'"))
    }

    @Test func failedValidationKeepsThePreviousZip() throws {
        let fixture = try ZipFixture()
        let destination = try fixture.file("out/f.zip", "previous zip")
        #expect(throws: ArchiverError.missingSource(entry: "bootstrap", source: fixture.path("nope"))) {
            try ZipWriter.write(
                [.file("bootstrap", source: fixture.path("nope"))], to: destination, options: ZipOptions())
        }
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "previous zip")
        #expect(try fixture.leftovers().isEmpty)
    }

    /// `/proc` files report size 0 but yield bytes: the writer notices only while streaming, after the
    /// temporary file exists, which exercises the cleanup path.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs Linux /proc"))
    func failureWhileStreamingKeepsThePreviousZipAndLeavesNoTemporaryFile() throws {
        let fixture = try ZipFixture()
        let destination = try fixture.file("out/f.zip", "previous zip")
        var entries = try fixture.functionLayout()
        entries.append(.file("proc-status", source: "/proc/self/status"))
        #expect(throws: ArchiverError.sourceChanged(entry: "proc-status", source: "/proc/self/status", expectedSize: 0))
        {
            try ZipWriter.write(entries, to: destination, options: ZipOptions())
        }
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "previous zip")
        #expect(try fixture.leftovers().isEmpty)
    }

    @Test func missingDestinationDirectoryIsAFileSystemError() throws {
        let fixture = try ZipFixture()
        let entries = try fixture.functionLayout()
        #expect {
            try ZipWriter.write(entries, to: fixture.path("no/such/dir/f.zip"), options: ZipOptions())
        } throws: { error in
            guard case .fileSystem(_, let path, let code) = error as? ArchiverError else { return false }
            return code == ENOENT && path.hasPrefix(fixture.path("no/such/dir/.f.zip.tmp-"))
        }
    }

    @Test func badOptionsAreRejectedBeforeWriting() throws {
        let fixture = try ZipFixture()
        let entries = try fixture.functionLayout()
        #expect(throws: ArchiverError.invalidCompressionLevel(10)) {
            try ZipWriter.write(entries, to: fixture.path("f.zip"), options: ZipOptions(compressionLevel: 10))
        }
        #expect(throws: ArchiverError.invalidModificationTime(-1)) {
            try ZipWriter.write(entries, to: fixture.path("f.zip"), options: ZipOptions(modificationTime: -1))
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path("f.zip")))
        #expect(try fixture.leftovers().isEmpty)
    }

    @Test(
        arguments: [
            ([:], ZipOptions.dosEpoch),
            (["SOURCE_DATE_EPOCH": ""], ZipOptions.dosEpoch),
            (["SOURCE_DATE_EPOCH": "1700000000"], 1_700_000_000),
            (["SOURCE_DATE_EPOCH": "0"], 0),
            (["SOURCE_DATE_EPOCH": "4294967295"], 4_294_967_295),
        ] as [([String: String], Int64)])
    func sourceDateEpochIsHonoured(environment: [String: String], expected: Int64) throws {
        let options = try ZipOptions.deterministic(environment: environment)
        #expect(options.modificationTime == expected)
        #expect(options.compressionLevel == ZipOptions.defaultCompressionLevel)
    }

    @Test(arguments: [
        "abc", "-1", "+5", " 1700000000", "1700000000 ", "1.5", "1e9", "4294967296", "99999999999999999999",
    ])
    func badSourceDateEpochIsAnError(value: String) {
        #expect(throws: ArchiverError.invalidSourceDateEpoch(value)) {
            try ZipOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": value])
        }
    }

    @Test func dosTimestampsAreUTCAndClamped() {
        // 2023-11-14 22:13:20 UTC: date (43 << 9 | 11 << 5 | 14), time (22 << 11 | 13 << 5 | 10).
        #expect(ZipDOSTimestamp.fields(for: 1_700_000_000) == [0xaa, 0xb1, 0x6e, 0x57])
        #expect(ZipDOSTimestamp.fields(for: 0) == [0x00, 0x00, 0x21, 0x00])
        #expect(ZipDOSTimestamp.fields(for: ZipOptions.dosEpoch) == [0x00, 0x00, 0x21, 0x00])
    }

    private func expectRejected(_ entries: [ArchiveEntry], with expected: ArchiverError) throws {
        let fixture = try ZipFixture()
        #expect(throws: expected) {
            try ZipWriter.write(entries, to: fixture.path("f.zip"), options: ZipOptions())
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path("f.zip")))
        #expect(try fixture.leftovers().isEmpty)
    }
}

extension ZipWriter {
    fileprivate static func validatedNames(_ entries: [ArchiveEntry]) -> [String] {
        ((try? validated(entries)) ?? []).map(\.storedName)
    }
}

/// A temporary directory holding the inputs of a test and the zips it writes; removed afterwards.
final class ZipFixture {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.path + "/zipwriter-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ relative: String) -> String { root + "/" + relative }

    @discardableResult
    func file(_ relative: String, _ contents: String, mode: Int = 0o644) throws -> String {
        try file(relative, Array(contents.utf8), mode: mode)
    }

    @discardableResult
    func file(_ relative: String, _ contents: [UInt8], mode: Int = 0o644) throws -> String {
        let target = path(relative)
        let parent = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(contents).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// Temporary zips left anywhere under the fixture (there should never be any).
    func leftovers() throws -> [String] {
        (FileManager.default.subpaths(atPath: root) ?? []).filter { $0.contains(".tmp-") }
    }

    /// More than one 1 MiB read chunk, not compressible to nothing.
    static let largeContents: [UInt8] = {
        var state: UInt32 = 2_463_534_242
        return (0..<(3 << 20) + 17).map { index in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state) : UInt8(ascii: "a") + UInt8(index % 7)
        }
    }()

    static let functionNames = [
        "Pkg_Target.resources/", "Pkg_Target.resources/config.json", "Pkg_Target.resources/data.bin",
        "Pkg_Target.resources/empty", "Pkg_Target.resources/latest.json", "Pkg_Target.resources/é.txt",
        "bootstrap",
    ]

    /// The inputs of each file entry of `functionLayout()`, by stored name.
    static let functionContents: [String: [UInt8]] = [
        "bootstrap": Array("#!/bin/sh\necho bootstrap\n".utf8),
        "Pkg_Target.resources/config.json": Array("{\"greeting\": \"hello\"}\n".utf8),
        "Pkg_Target.resources/data.bin": largeContents,
        "Pkg_Target.resources/empty": [],
        "Pkg_Target.resources/é.txt": Array("accent\n".utf8),
    ]

    /// A function zip: `bootstrap` at the root and a resource bundle with a symlink, listed out of order.
    func functionLayout() throws -> [ArchiveEntry] {
        let contents = Self.functionContents
        return [
            .file(
                "bootstrap", source: try file("src/bootstrap", contents["bootstrap"]!, mode: 0o755), executable: true),
            .symlink("Pkg_Target.resources/latest.json", target: "config.json"),
            .file(
                "Pkg_Target.resources/é.txt",
                source: try file("src/resources/é.txt", contents["Pkg_Target.resources/é.txt"]!)),
            .file("Pkg_Target.resources/data.bin", source: try file("src/resources/data.bin", Self.largeContents)),
            .file("Pkg_Target.resources/empty", source: try file("src/resources/empty", [])),
            .file(
                "Pkg_Target.resources/config.json",
                source: try file("src/resources/config.json", contents["Pkg_Target.resources/config.json"]!)),
            .directory("Pkg_Target.resources/"),
        ]
    }

    /// An extension layer: `extensions/` and the executable `extensions/ext`.
    func extensionLayout() throws -> [ArchiveEntry] {
        [
            .file(
                "extensions/ext", source: try file("src/ext", "#!/bin/sh\necho ext\n", mode: 0o700), executable: true),
            .directory("extensions"),
        ]
    }
}
