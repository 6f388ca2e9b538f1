import ArgumentParser
import Foundation
import LambdaBuild
import LambdaInvoke
import LambdaSupport

/// Turns a library error into one `error:` line (its description says what
/// to do) and the exit status: the compiler's own when the compiler failed, 130 after Ctrl-C (143 after SIGTERM).
enum Failure {
    static func report(colour: ColourMode = .auto, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            printError(error, colour: colour)
            throw ExitCode(
                (error as? BuildError)?.exitStatus ?? (error as? InvokeError)?.exitStatus ?? (error as? Interrupted)?.exitStatus ?? 1)
        }
    }

    /// The one `error:` line on standard error, coloured on a terminal.
    static func printError(_ error: any Error, colour mode: ColourMode = .auto) {
        printError(message: "\(error)", colour: mode)
    }

    static func printError(message: String, colour mode: ColourMode = .auto) {
        let colour = mode.usesColourOnStandardError(environment: ProcessInfo.processInfo.environment)
        FileHandle.standardError.write(Data((ColourMode.styled("error: \(message)", colour: colour) + "\n").utf8))
    }
}
