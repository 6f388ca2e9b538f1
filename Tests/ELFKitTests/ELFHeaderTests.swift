import ELFKit
import Foundation
import Testing

/// Real binaries: this machine's own (x86_64) and one built by the Debian
/// aarch64 cross compiler when it is installed.
@Suite struct ELFHeaderTests {
    let hostBinary = "/bin/true"

    @Test func readsTheHostsArchitecture() throws {
        let header = try ELFHeader(contentsOf: hostBinary)
        #if arch(x86_64)
        #expect(header.machine == .x86_64)
        #elseif arch(arm64)
        #expect(header.machine == .aarch64)
        #endif
        #expect(header.type == 2 || header.type == 3)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/aarch64-linux-gnu-gcc")))
    func readsACrossCompiledArm64Binary() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("elf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "int main(void) { return 0; }\n".write(toFile: "\(directory)/main.c", atomically: true, encoding: .utf8)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/aarch64-linux-gnu-gcc")
        compiler.arguments = ["-o", "\(directory)/main", "\(directory)/main.c"]
        try compiler.run()
        compiler.waitUntilExit()
        try #require(compiler.terminationStatus == 0)
        let header = try ELFHeader(contentsOf: "\(directory)/main")
        #expect(header.machine == .aarch64)
        #expect(header.machine.description == "arm64")
    }

    func hostBytes() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: hostBinary)).prefix(4096))
    }

    @Test func rejectsNonELF() {
        #expect(throws: ELFError.notELF) { try ELFHeader(bytes: Array("#!/bin/sh\necho hi\n".utf8)) }
        #expect(throws: ELFError.notELF) { try ELFHeader(bytes: [UInt8]()) }
    }

    @Test func rejectsTruncatedHeaders() throws {
        let bytes = try hostBytes()
        for length in [4, 5, 6, 20, 63] {
            #expect(throws: ELFError.self) { try ELFHeader(bytes: bytes.prefix(length)) }
        }
    }

    @Test func rejects32BitAndBigEndian() throws {
        var bytes = try hostBytes()
        bytes[4] = 1
        #expect(throws: ELFError.unsupportedClass(bits: 32)) { try ELFHeader(bytes: bytes) }
        bytes[4] = 2
        bytes[5] = 2
        #expect(throws: ELFError.bigEndian) { try ELFHeader(bytes: bytes) }
    }

    @Test func unreadableFileIsAnError() {
        #expect(throws: ELFError.unreadable(path: "/nonexistent/x")) { try ELFHeader(contentsOf: "/nonexistent/x") }
    }
}
