import ArgumentParser
import Foundation
import LambdaBuild

/// The `swift-lambda` command: subcommands only; each lives in its own file.
@main
struct SwiftLambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swift-lambda",
        abstract: "Build Swift packages into AWS Lambda functions and extensions, and run them locally.",
        version: "0.1.0",
        subcommands: [Build.self, Invoke.self, Serve.self, New.self, Init.self]
    )

    /// ArgumentParser's own `main`, except that its usage errors start with `error:` as every
    /// other error of swift-lambda does (it writes `Error:`).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let message = fullMessage(for: error)
            let code = exitCode(for: error)
            guard code != .success, message.hasPrefix("Error: ") else { exit(withError: error) }
            let colour = StandardConsole.usesColour(environment: ProcessInfo.processInfo.environment, descriptor: STDERR_FILENO)
            FileHandle.standardError.write(Data((StandardConsole.styled("error: " + message.dropFirst(7), colour: colour) + "\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
