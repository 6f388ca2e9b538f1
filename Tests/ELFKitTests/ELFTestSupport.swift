import Foundation
import Testing

/// The committed corpus (small real ELF files), read relative to this source
/// file rather than as bundle resources so the fuzzer shares the same files.
enum Corpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Every ELF file in the corpus (the README and anything else skipped).
    static func elfFiles() throws -> [(name: String, bytes: [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().compactMap { name in
            let bytes = try Self.bytes(name)
            return bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) ? (name, bytes) : nil
        }
    }
}

/// Tools the tests build and cross-check with. Tests that need one are
/// skipped where it is missing, so the suite still runs on a bare machine.
enum Tool {
    static let gcc = "/usr/bin/gcc"
    static let aarch64GCC = "/usr/bin/aarch64-linux-gnu-gcc"
    static let readelf = "/usr/bin/readelf"
    static var swiftc: String? {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
            "\($0)/swiftc"
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs `executable` (no shell) and returns its standard output; a
    /// non-zero exit fails the test with the output attached.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: a full pipe would block the child forever.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        try #require(
            process.terminationStatus == 0,
            "\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: errorData, as: UTF8.self))"
        )
        return text
    }
}

/// A directory removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("elfkit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `source` to `name` and returns its path.
    func write(_ name: String, _ source: String) throws -> String {
        let file = "\(path)/\(name)"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Compiles a C program with `compiler` and `flags`; returns the output path.
    func compileC(
        _ source: String, compiler: String = Tool.gcc, flags: [String] = [], output: String = "main"
    ) throws -> String {
        let input = try write("\(output).c", source)
        let binary = "\(path)/\(output)"
        _ = try Tool.run(compiler, ["-o", binary, input] + flags)  // libraries (-lm) after the source
        return binary
    }
}

/// Little-endian patches for building malformed files from real ones.
extension Array where Element == UInt8 {
    func u16(at offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(at offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[offset + $1]) << (8 * $1) } }
    func u64(at offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(self[offset + $1]) << (8 * $1) } }

    mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for index in 0..<(T.bitWidth / 8) { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}

/// A section header of a well-formed test file, located by type, so tests
/// can corrupt one field of one table.
struct TestSection {
    let headerOffset: Int
    let type: UInt32
    let offset: Int
    let size: Int

    /// Tolerates malformed files (values are clamped, entries past the end
    /// are skipped), since the mutation test also reads regression inputs.
    static func all(in bytes: [UInt8]) -> [TestSection] {
        guard bytes.count >= 64 else { return [] }
        let table = Int(clamping: bytes.u64(at: 40))
        let entrySize = max(64, Int(bytes.u16(at: 58)))
        return (0..<Int(bytes.u16(at: 60))).compactMap { index in
            let at = table.addingReportingOverflow(index * entrySize)
            guard !at.overflow, at.partialValue >= 0, at.partialValue <= bytes.count - 64 else { return nil }
            return TestSection(
                headerOffset: at.partialValue, type: bytes.u32(at: at.partialValue + 4),
                offset: Int(clamping: bytes.u64(at: at.partialValue + 24)),
                size: Int(clamping: bytes.u64(at: at.partialValue + 32)))
        }
    }

    /// Whether the section's contents lie inside the file.
    func isInside(_ bytes: [UInt8]) -> Bool {
        size <= bytes.count && offset <= bytes.count - size
    }

    static func first(ofType type: UInt32, in bytes: [UInt8]) throws -> TestSection {
        try #require(all(in: bytes).first { $0.type == type })
    }
}
