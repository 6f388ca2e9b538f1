import Foundation
public import Testing

extension Trait where Self == ConditionTrait {
    /// Skips a test, naming what is missing, unless every tool is installed.
    public static func requires(_ tools: String...) -> Self {
        let missing = tools.filter { !ExternalTool.isAvailable($0) }
        return .enabled(if: missing.isEmpty, Comment(rawValue: "not installed: \(missing.joined(separator: ", "))"))
    }
}

/// Runs an installed tool with an argument array (never a shell string) and returns its output.
/// Output goes to files, so a chatty tool never blocks on a full pipe.
///
/// Its own target, shared by ArchiverTests and OCIImageTests (which each had a copy), and not part
/// of LambdaTestSupport: that target brings SwiftNIO into builds that need nothing of it.
public enum ExternalTool {
    public struct Failure: Error, CustomStringConvertible {
        public let command: [String]
        public let status: Int32
        public let errors: String
        public var description: String { "\(command.joined(separator: " ")) exited with \(status): \(errors)" }
    }

    public static func path(of name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static func isAvailable(_ name: String) -> Bool { path(of: name) != nil }

    @discardableResult
    public static func run(_ name: String, _ arguments: [String], environment overrides: [String: String] = [:]) throws
        -> String
    {
        guard let executable = path(of: name) else {
            throw Failure(command: [name] + arguments, status: -1, errors: "not found in PATH")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "oci-tool-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out")
        let err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(overrides) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = { (url: URL) in
            FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        guard process.terminationStatus == 0 else {
            throw Failure(command: [name] + arguments, status: process.terminationStatus, errors: text(err))
        }
        return text(out)
    }

    /// Runs a Python script (`python3 -c`) with arguments.
    @discardableResult
    public static func python(_ script: String, _ arguments: [String]) throws -> String {
        try run("python3", ["-c", script] + arguments)
    }
}
