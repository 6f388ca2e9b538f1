import Foundation
import Testing

@testable import Archiver

/// Unpacking as Lambda does before it runs a zip: what the writer stored comes back with its
/// modes and symlinks, and zips made to escape the destination are refused. The hostile zips are
/// made with Python's zipfile, which writes whatever names it is given.
@Suite struct ZipReaderTests {
    @Test func whatTheWriterStoredComesBackWithModesAndSymlinks() throws {
        let fixture = try ZipFixture()
        try ZipWriter.write(try fixture.functionLayout(), to: fixture.path("f.zip"), options: ZipOptions())
        let root = fixture.path("unpacked")
        let entries = try ZipReader.extract(fixture.path("f.zip"), into: root)

        #expect(entries.map(\.path) == ZipFixture.functionNames)
        for (name, contents) in ZipFixture.functionContents {
            #expect(try fixture.bytes("unpacked/\(name)") == contents, "\(name)")
        }
        let files = FileManager.default
        #expect(try files.attributesOfItem(atPath: "\(root)/bootstrap")[.posixPermissions] as? Int == 0o755)
        #expect(try files.attributesOfItem(atPath: "\(root)/Pkg_Target.resources/config.json")[.posixPermissions] as? Int == 0o644)
        #expect(try files.attributesOfItem(atPath: "\(root)/Pkg_Target.resources")[.posixPermissions] as? Int == 0o755)
        #expect(try files.destinationOfSymbolicLink(atPath: "\(root)/Pkg_Target.resources/latest.json") == "config.json")
        let link = try #require(entries.first { $0.path == "Pkg_Target.resources/latest.json" })
        #expect(link.kind == .symlink && link.symlinkTarget == "config.json")
        #expect(entries.first { $0.path == "bootstrap" }?.permissions == 0o755)
    }

    @Test func layersUnpackIntoOneDirectory() throws {
        let fixture = try ZipFixture()
        try ZipWriter.write(try fixture.extensionLayout(), to: fixture.path("a.zip"), options: ZipOptions())
        try ZipWriter.write(
            [.directory("extensions"), .file("extensions/other", source: try fixture.file("src/other", "x"), executable: true)],
            to: fixture.path("b.zip"), options: ZipOptions())
        let opt = fixture.path("opt")
        try ZipReader.extract(fixture.path("a.zip"), into: opt)
        try ZipReader.extract(fixture.path("b.zip"), into: opt)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(opt)/extensions").sorted() == ["ext", "other"])
    }

    @Test func entriesThatClimbOutAreRefusedBeforeTheyAreWritten() throws {
        let fixture = try ZipFixture()
        let cases: [(String, ArchiverError.PathProblem)] = [("../escaped.txt", .parentComponent), ("a/../../escaped.txt", .parentComponent), ("/tmp/absolute.txt", .absolute)]
        for (name, problem) in cases {
            let zip = fixture.path("hostile-\(cases.firstIndex { $0.0 == name }!).zip")
            try python("""
                import sys, zipfile
                with zipfile.ZipFile(sys.argv[1], 'w') as z:
                    z.writestr(zipfile.ZipInfo('ok.txt'), 'fine')
                    z.writestr(zipfile.ZipInfo(sys.argv[2]), 'escaped')
                """, zip, name)
            let root = fixture.path("out-\(problem)")
            #expect(throws: ArchiverError.unsafeArchiveEntry(archive: zip, entry: name, problem: problem)) {
                try ZipReader.extract(zip, into: root)
            }
            #expect(!FileManager.default.fileExists(atPath: fixture.path("escaped.txt")))
        }
        #expect("\(ArchiverError.unsafeArchiveEntry(archive: "f.zip", entry: "../x", problem: .parentComponent))"
            == "'f.zip' holds an entry '../x' that contains '..'; entries cannot point outside the archive; it was not unpacked. Rebuild the zip with swift-lambda build")
    }

    @Test func nothingIsWrittenThroughASymlinkTheZipPlanted() throws {
        let fixture = try ZipFixture()
        let outside = fixture.path("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let zip = fixture.path("planted.zip")
        try python("""
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                link = zipfile.ZipInfo('link')
                link.create_system = 3
                link.external_attr = 0o120777 << 16
                z.writestr(link, sys.argv[2])
                z.writestr(zipfile.ZipInfo('link/pwned.txt'), 'pwned')
            """, zip, outside)
        #expect(throws: ArchiverError.self) { try ZipReader.extract(zip, into: fixture.path("task")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == [])
    }

    @Test func somethingThatIsNotAZipIsReportedAsSuch() throws {
        let fixture = try ZipFixture()
        let path = try fixture.file("not.zip", "plain text, not a zip")
        do {
            try ZipReader.extract(path, into: fixture.path("x"))
            Issue.record("unpacked a text file")
        } catch let error as ArchiverError {
            guard case .unreadableArchive(let reported, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reported == path)
            #expect("\(error)".hasSuffix("; build it again with swift-lambda build --output-format zip"))
        }
    }

    func python(_ script: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed")
    }
}
