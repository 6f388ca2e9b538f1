import Foundation
import Testing

/// A process run for a test, with what it printed.
struct Ran {
    var status: Int32
    var output: String
    var error: String
}

enum TestProcess {
    /// Runs `executable` (a path, or a name looked up on PATH through env) and waits.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Ran {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("compat-run-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let out = "\(scratch)/out"
        let err = "\(scratch)/err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Ran(
            status: process.terminationStatus,
            output: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            error: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Runs and requires success, returning standard output.
    @discardableResult
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let ran = try run(executable, arguments)
        try #require(ran.status == 0, "\(executable) \(arguments.joined(separator: " ")) failed: \(ran.error)")
        return ran.output
    }

    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "compat-\(prefix)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func isExecutable(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// The toolchain's clang: beside the real `swift` on PATH.
    static let clang: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") where isExecutable("\(directory)/swift") {
            let real = URL(fileURLWithPath: "\(directory)/swift").resolvingSymlinksInPath().deletingLastPathComponent()
                .path
            if isExecutable("\(real)/clang") { return "\(real)/clang" }
        }
        return nil
    }()
}
