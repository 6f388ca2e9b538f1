import Foundation
public import LambdaEmulator
import LambdaSupport

/// Where `invoke` and `serve` write: log lines on standard error (with the function's own
/// output), results on standard output, so `swift-lambda invoke ... | jq` sees only the answer.
public protocol InvokeConsole: Sendable {
    /// One line on standard error.
    func log(_ line: String)
    /// One line on standard output.
    func result(_ line: String)
    /// A response body on standard output, exactly as the function sent it, then a newline.
    func output(_ bytes: [UInt8])
    /// Part of a streamed body on standard output, as it arrived, at once.
    func write(_ bytes: [UInt8])
}

/// The terminal.
public struct StandardInvokeConsole: InvokeConsole {
    /// `error:` and `warning:` lines are coloured (`--color`).
    var colour: Bool

    public init(colour: Bool = false) {
        self.colour = colour
    }

    public func log(_ line: String) { FileHandle.standardError.write(Data((ColourMode.styled(line, colour: colour) + "\n").utf8)) }
    public func result(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    public func output(_ bytes: [UInt8]) { FileHandle.standardOutput.write(Data(bytes + [UInt8(ascii: "\n")])) }
    public func write(_ bytes: [UInt8]) { FileHandle.standardOutput.write(Data(bytes)) }
}

/// Turns emulator events into the lines Lambda writes to CloudWatch around an invocation
/// (`START`, `END`, `REPORT` with `Init Duration` after a cold start, `EXTENSION`), so local
/// output reads like the logs a Lambda user already knows.
public final class InvocationLog: Sendable {
    private let console: any InvokeConsole
    /// The init duration not yet reported: it goes on the next REPORT line, as on Lambda.
    private let pendingInit = Locked<Duration?>(nil)

    public init(console: any InvokeConsole) {
        self.console = console
    }

    /// Reports `duration` on the next REPORT line.
    public func noteInit(_ duration: Duration) {
        pendingInit.withLock { $0 = duration }
    }

    public func record(_ event: EmulatorEvent) {
        switch event {
        case .invocationStarted(let id):
            console.log("START RequestId: \(id) Version: $LATEST")
        case .invocationFinished(let result):
            let id = result.requestID
            var report = "REPORT RequestId: \(id)"
            if let duration = result.duration { report += "\tDuration: \(duration.millisecondsText)" }
            if let initDuration = pendingInit.withLock({ value -> Duration? in
                defer { value = nil }
                return value
            }) {
                report += "\tInit Duration: \(initDuration.millisecondsText)"
            }
            switch result.outcome {
            case .timedOut(let limit):
                console.log("\(id) Task timed out after \(limit.secondsText) seconds")
                report += "\tStatus: timeout"
            case .abandoned(let error):
                report += "\tStatus: error\tError Type: \(error.type ?? "Runtime.Unknown")"
            case .response, .error:
                break
            }
            if result.duration != nil { console.log("END RequestId: \(id)") }
            console.log(report)
        case .extensionRegistered(let name, let events):
            console.log("EXTENSION\tName: \(name)\tState: Registered\tEvents: [\(events.joined(separator: ","))]")
        case .extensionError(let name, let phase, let report):
            console.log("EXTENSION\tName: \(name)\t\(phase.rawValue)/error: \(InvokeError.summary(of: report))")
        case .rejected(let method, let path, let status, let message):
            console.log("emulator: \(status) for \(method) \(path): \(message)")
        case .runtimeNext, .runtimeInitError:
            break
        }
    }
}
