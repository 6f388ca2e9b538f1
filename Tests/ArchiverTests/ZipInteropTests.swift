import Foundation
import LambdaSupport
import Testing

@testable import Archiver
import ExternalToolSupport

/// What `ZipWriter` writes, read back by independent tools: Info-ZIP's `zipinfo` and `unzip`,
/// libarchive's `bsdtar`, Python's `zipfile`, `sha256sum`. A test is skipped, with the reason, only
/// when its tool is not installed.
@Suite struct ZipInteropTests {
    /// `external_attr >> 16` of each function-layout entry, in archive order.
    static let functionModes = [0o40755, 0o100644, 0o100644, 0o100644, 0o120777, 0o100644, 0o100755]

    @Test(.requires("python3"))
    func pythonReadsTheFunctionZip() throws {
        let fixture = try ZipFixture()
        try ZipWriter.write(try fixture.functionLayout(), to: fixture.path("f.zip"), options: ZipOptions())
        let listing = try PythonListing.read(fixture.path("f.zip"))

        #expect(listing.testzip == nil)
        #expect(!listing.zip64)
        #expect(listing.entries.map(\.name) == ZipFixture.functionNames)
        #expect(listing.entries.map(\.mode) == Self.functionModes)
        for entry in listing.entries {
            #expect(entry.system == 3, "made on Unix, so unzip applies the modes: \(entry.name)")
            #expect(entry.date == [1980, 1, 1, 0, 0, 0], "\(entry.name)")
            let deflated = ZipFixture.functionContents[entry.name] != nil
            #expect(entry.method == (deflated ? 8 : 0), "\(entry.name)")
            if let input = ZipFixture.functionContents[entry.name] {
                #expect(entry.sha256 == ContentKey.hex(SHA256Hasher.hash(input)), "extracted bytes of \(entry.name)")
            }
            // Only the extended timestamp (mtime only) and uid/gid 0, identical in both headers.
            let expected = [
                PythonListing.Extra(id: 0x5455, data: "01" + littleEndianHex(UInt32(ZipOptions.dosEpoch))),
                PythonListing.Extra(id: 0x7875, data: "0104000000000400000000"),
            ]
            #expect(entry.localExtra == expected, "\(entry.name)")
            #expect(entry.centralExtra == expected, "\(entry.name)")
        }
        let link = try #require(listing.entries.first { $0.name == "Pkg_Target.resources/latest.json" })
        #expect(link.text == "config.json")
        let accented = try #require(listing.entries.first { $0.name == "Pkg_Target.resources/é.txt" })
        #expect(accented.flags & 0x800 != 0, "UTF-8 name flag")
    }

    @Test(.requires("zipinfo"))
    func zipinfoListsTheFunctionZip() throws {
        let fixture = try ZipFixture()
        try ZipWriter.write(try fixture.functionLayout(), to: fixture.path("f.zip"), options: ZipOptions())
        let rows = try ZipinfoRow.list(fixture.path("f.zip"))

        #expect(rows.map(\.name) == ZipFixture.functionNames)
        #expect(
            rows.map(\.mode) == [
                "drwxr-xr-x", "-rw-r--r--", "-rw-r--r--", "-rw-r--r--", "lrwxrwxrwx", "-rw-r--r--", "-rwxr-xr-x",
            ])
        #expect(rows.allSatisfy { $0.system == "unx" && $0.date == "19800101.000000" })
        #expect(rows.map(\.method) == ["stor", "defN", "defN", "defN", "stor", "defN", "defN"])
        #expect(rows.map(\.size) == ["0", "22", "3145745", "0", "11", "7", "25"])
    }

    @Test(.requires("bsdtar"))
    func bsdtarListsTheFunctionZip() throws {
        let fixture = try ZipFixture()
        try ZipWriter.write(try fixture.functionLayout(), to: fixture.path("f.zip"), options: ZipOptions())
        let output = try ExternalTool.run("bsdtar", ["-tvf", fixture.path("f.zip")], environment: ["TZ": "UTC"])
        // mode, links, uid, gid, size, month, day, year, then the name (and "-> target").
        let rows = output.split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map(String.init)
            return Array(fields[..<8]) + [fields[8...].joined(separator: " ")]
        }

        #expect(
            rows.map { $0[8] } == [
                "Pkg_Target.resources/", "Pkg_Target.resources/config.json", "Pkg_Target.resources/data.bin",
                "Pkg_Target.resources/empty", "Pkg_Target.resources/latest.json -> config.json",
                "Pkg_Target.resources/é.txt", "bootstrap",
            ])
        #expect(
            rows.map { $0[0] } == [
                "drwxr-xr-x", "-rw-r--r--", "-rw-r--r--", "-rw-r--r--", "lrwxrwxrwx", "-rw-r--r--", "-rwxr-xr-x",
            ])
        #expect(rows.allSatisfy { $0[2] == "0" && $0[3] == "0" && $0[5...7] == ["Jan", "1", "1980"] })
    }

    @Test(.requires("unzip"))
    func unzipRestoresModesBytesAndSymlinks() throws {
        let fixture = try ZipFixture()
        try ZipWriter.write(try fixture.functionLayout(), to: fixture.path("f.zip"), options: ZipOptions())
        _ = try ExternalTool.run("unzip", ["-q", fixture.path("f.zip"), "-d", fixture.path("x")])

        let files = FileManager.default
        #expect(try permissions(fixture.path("x/bootstrap")) == 0o755)
        #expect(try permissions(fixture.path("x/Pkg_Target.resources")) == 0o755)
        #expect(try permissions(fixture.path("x/Pkg_Target.resources/config.json")) == 0o644)
        #expect(
            try files.destinationOfSymbolicLink(atPath: fixture.path("x/Pkg_Target.resources/latest.json"))
                == "config.json")
        for (name, input) in ZipFixture.functionContents {
            #expect(try fixture.bytes("x/" + name) == input, "\(name)")
        }
    }

    @Test(.requires("python3", "unzip"))
    func extensionLayerHasTheDirectoryAndAnExecutable() throws {
        let fixture = try ZipFixture()
        try ZipWriter.write(try fixture.extensionLayout(), to: fixture.path("layer.zip"), options: ZipOptions())
        let listing = try PythonListing.read(fixture.path("layer.zip"))
        #expect(listing.testzip == nil)
        #expect(listing.entries.map(\.name) == ["extensions/", "extensions/ext"])
        #expect(listing.entries.map(\.mode) == [0o40755, 0o100755])

        _ = try ExternalTool.run("unzip", ["-q", fixture.path("layer.zip"), "-d", fixture.path("opt")])
        #expect(try permissions(fixture.path("opt/extensions/ext")) == 0o755, "the source was 0700")
        #expect(
            try String(contentsOfFile: fixture.path("opt/extensions/ext"), encoding: .utf8) == "#!/bin/sh\necho ext\n")
    }

    @Test(.requires("python3", "zipinfo"))
    func sourceDateEpochIsTheDateEveryToolShows() throws {
        let fixture = try ZipFixture()
        let options = try ZipOptions.deterministic(environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        try ZipWriter.write(try fixture.functionLayout(), to: fixture.path("f.zip"), options: options)

        // zipinfo prefers the UT field; Python shows the MS-DOS field, which is in UTC whatever TZ is.
        #expect(try ZipinfoRow.list(fixture.path("f.zip")).allSatisfy { $0.date == "20231114.221320" })
        let verbose = try ExternalTool.run("zipinfo", ["-v", fixture.path("f.zip")], environment: ["TZ": "Asia/Tokyo"])
        #expect(verbose.contains("file last modified on (DOS date/time):          2023 Nov 14 22:13:20"))
        #expect(verbose.contains("file last modified on (UT extra field modtime): 2023 Nov 14 22:13:20 UTC"))
        let listing = try PythonListing.read(fixture.path("f.zip"))
        #expect(listing.entries.allSatisfy { $0.date == [2023, 11, 14, 22, 13, 20] })
        #expect(listing.entries.allSatisfy { $0.localExtra.first?.data == "01" + littleEndianHex(1_700_000_000) })
    }

    @Test(.requires("python3", "sha256sum"))
    func hashesMatchSha256sumAndTerraformsBase64() throws {
        let fixture = try ZipFixture()
        let summary = try ZipWriter.write(
            try fixture.functionLayout(), to: fixture.path("f.zip"), options: ZipOptions())
        let sum = try ExternalTool.run("sha256sum", [fixture.path("f.zip")])
        #expect(sum.split(separator: " ").first.map(String.init) == summary.sha256Hex)
        let base64 = try ExternalTool.run("python3", ["-c", PythonListing.base64Script, fixture.path("f.zip")])
        #expect(base64.trimmingCharacters(in: .whitespacesAndNewlines) == summary.sha256Base64)
    }

    @Test(.requires("python3"))
    func levelZeroStoresAndLevelNineDeflates() throws {
        let fixture = try ZipFixture()
        let entries = try fixture.functionLayout()
        let stored = try ZipWriter.write(entries, to: fixture.path("0.zip"), options: ZipOptions(compressionLevel: 0))
        let smallest = try ZipWriter.write(entries, to: fixture.path("9.zip"), options: ZipOptions(compressionLevel: 9))
        #expect(smallest.size < stored.size)
        for (path, method) in [("0.zip", 0), ("9.zip", 8)] {
            let listing = try PythonListing.read(fixture.path(path))
            #expect(listing.testzip == nil)
            let files = listing.entries.filter { ZipFixture.functionContents[$0.name] != nil }
            #expect(files.count == 5 && files.allSatisfy { $0.method == method }, "\(path)")
            #expect(
                files.allSatisfy { $0.sha256 == ContentKey.hex(SHA256Hasher.hash(ZipFixture.functionContents[$0.name]!)) })
        }
    }

    private func permissions(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o7777
    }
}

private func littleEndianHex(_ value: UInt32) -> String {
    [value, value >> 8, value >> 16, value >> 24].map { String(format: "%02x", $0 & 0xff) }.joined()
}

/// One row of `zipinfo -T` (decimal dates), run with TZ=UTC.
private struct ZipinfoRow {
    let mode, system, size, method, date, name: String

    static func list(_ zip: String) throws -> [ZipinfoRow] {
        let output = try ExternalTool.run("zipinfo", ["-T", zip], environment: ["TZ": "UTC"])
        // Skip "Archive:" and "Zip file size:" lines and the closing totals.
        return output.split(separator: "\n").dropFirst(2).dropLast().map { line in
            let fields = line.split(separator: " ").map(String.init)
            return ZipinfoRow(
                mode: fields[0], system: fields[2], size: fields[3], method: fields[5], date: fields[6],
                name: fields[7...].joined(separator: " "))
        }
    }
}

/// What Python's `zipfile` sees, entry by entry, plus both copies of the extra fields.
private struct PythonListing: Decodable {
    struct Extra: Decodable, Equatable {
        let id: Int
        let data: String
    }
    struct Entry: Decodable {
        let name: String
        let mode, method, flags, system: Int
        let date: [Int]
        let sha256: String
        let text: String?
        let localExtra, centralExtra: [Extra]
    }
    let testzip: String?
    let zip64: Bool
    let entries: [Entry]

    static func read(_ zip: String) throws -> PythonListing {
        let output = try ExternalTool.run("python3", ["-c", script, zip])
        return try JSONDecoder().decode(PythonListing.self, from: Data(output.utf8))
    }

    static let script = """
        import hashlib, json, struct, sys, zipfile
        path = sys.argv[1]
        data = open(path, 'rb').read()
        def extras(blob):
            out, p = [], 0
            while p + 4 <= len(blob):
                ident, size = struct.unpack_from('<HH', blob, p)
                out.append({'id': ident, 'data': blob[p + 4:p + 4 + size].hex()})
                p += 4 + size
            return out
        entries = []
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                start = info.header_offset
                name_length, extra_length = struct.unpack_from('<HH', data, start + 26)
                local = data[start + 30 + name_length:start + 30 + name_length + extra_length]
                body = z.read(info)
                entries.append({
                    'name': info.filename, 'mode': info.external_attr >> 16, 'method': info.compress_type,
                    'flags': info.flag_bits, 'system': info.create_system, 'date': list(info.date_time),
                    'sha256': hashlib.sha256(body).hexdigest(),
                    'text': body.decode('utf-8') if len(body) < 256 else None,
                    'localExtra': extras(local), 'centralExtra': extras(info.extra)})
            bad = z.testzip()
        print(json.dumps({'testzip': bad, 'zip64': data[-42:-38] == b'PK\\x06\\x07', 'entries': entries}))
        """

    static let base64Script = """
        import base64, hashlib, sys
        print(base64.b64encode(hashlib.sha256(open(sys.argv[1], 'rb').read()).digest()).decode())
        """
}
