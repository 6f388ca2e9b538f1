public import BuildPlanner
import Foundation
public import LambdaSupport

/// Where human-readable text goes: progress on standard error, results
/// (summaries, plans) on standard output.
public protocol Console: Sendable {
    func progress(_ line: String)
    func result(_ line: String)
}

/// The terminal.
public struct StandardConsole: Console {
    public init() {}

    public func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public func result(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// Everything the workflow touches outside itself, injected so tests can
/// replace any of it.
public struct BuildContext: Sendable {
    public var environment: [String: String]
    public var currentDirectory: String
    public var runner: any ProcessRunning
    public var console: any Console
    public var host: HostPlatform

    public init(
        environment: [String: String], currentDirectory: String, runner: any ProcessRunning,
        console: any Console, host: HostPlatform = .current
    ) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.runner = runner
        self.console = console
        self.host = host
    }

    /// The real process environment, working directory, runner and terminal.
    public static func live() -> BuildContext {
        let environment = ProcessInfo.processInfo.environment
        return BuildContext(
            environment: environment,
            currentDirectory: FileSystem.currentDirectory,
            runner: SubprocessRunner(environment: environment),
            console: StandardConsole()
        )
    }

    /// `path` as a person would like to read it: relative to the current
    /// directory when inside it.
    public func displayPath(_ path: String) -> String {
        let base = currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
