import Foundation
import LambdaTestSupport
import Testing

enum TestProcess {
    /// Runs `executable` (a path, or a name looked up on PATH through env) and waits.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> CommandResult
    {
        executable.hasPrefix("/")
            ? try TestCommand.run(executable, arguments, environment: environment)
            : try TestCommand.run("/usr/bin/env", [executable] + arguments, environment: environment)
    }

    /// Runs and requires success, returning standard output.
    @discardableResult
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let ran = try run(executable, arguments)
        try #require(ran.status == 0, "\(executable) \(arguments.joined(separator: " ")) failed: \(ran.standardError)")
        return ran.standardOutput
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
