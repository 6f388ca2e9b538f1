public import BuildPlanner
import Foundation
public import LambdaSupport

/// Where human-readable text goes: progress on standard error, results
/// (summaries, plans) on standard output.
public protocol Console: Sendable {
    func progress(_ line: String)
    func result(_ line: String)
    /// A line that the next one replaces (per-artifact progress), shown only on a terminal;
    /// nil clears it. Logs keep the start and end lines of the step only.
    func status(_ line: String?)
}

extension Console {
    public func status(_ line: String?) {}
}

/// The terminal. `error:` and `warning:` are coloured as `--color` decides
/// (`ColourMode`: by default when standard error is a terminal and `NO_COLOR` is not set).
public struct StandardConsole: Console {
    var colour: Bool

    public init(environment: [String: String], colour mode: ColourMode = .auto) {
        colour = mode.usesColourOnStandardError(environment: environment)
    }

    public func progress(_ line: String) {
        FileHandle.standardError.write(Data((ColourMode.styled(line, colour: colour) + "\n").utf8))
    }

    public func result(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Rewrites the current line of standard error (carriage return, erase to its end).
    public func status(_ line: String?) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + (line ?? "")).utf8))
    }
}

/// `-q`: progress lines are dropped, as `cargo -q` drops its own; warnings, errors and
/// results still reach the console below.
public struct QuietConsole: Console {
    public var base: any Console

    public init(_ base: any Console) {
        self.base = base
    }

    public func progress(_ line: String) {
        if line.hasPrefix("warning:") || line.hasPrefix("error:") { base.progress(line) }
    }

    public func result(_ line: String) { base.result(line) }
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
    public static func live(colour: ColourMode = .auto) -> BuildContext {
        let environment = ProcessInfo.processInfo.environment
        return BuildContext(
            environment: environment,
            currentDirectory: FileSystem.currentDirectory,
            runner: SubprocessRunner(environment: environment),
            console: StandardConsole(environment: environment, colour: colour)
        )
    }

    /// `path` as a person would like to read it: relative to the current
    /// directory when inside it.
    public func displayPath(_ path: String) -> String { Self.displayPath(path, currentDirectory: currentDirectory) }

    /// The same for a caller without a context (deploy's `--print-config`).
    public static func displayPath(_ path: String, currentDirectory: String) -> String {
        let base = currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
