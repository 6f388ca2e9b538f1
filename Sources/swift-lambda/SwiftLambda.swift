import ArgumentParser
import Foundation
import LambdaSupport

/// The `swift-lambda` command: subcommands only; each lives in its own file.
@main
struct SwiftLambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swift-lambda",
        abstract: "Build Swift packages into AWS Lambda functions and extensions, and run them locally.",
        version: "0.1.0",
        subcommands: [Build.self, Watch.self, List.self, Deploy.self, Delete.self, Invoke.self, Serve.self, New.self, Init.self]
    )

    /// ArgumentParser's own `main`, with two differences: a mistyped subcommand gets a
    /// did-you-mean (exit 64) first, and usage errors start with `error:` as every other error
    /// of swift-lambda does (ArgumentParser writes `Error:`).
    static func main() async {
        do {
            let names = configuration.subcommands.map { $0._commandName } + ["help"]
            try CommandLineError.checkSubcommand(Array(CommandLine.arguments.dropFirst()), known: names)
        } catch {
            Failure.printError(error)
            exit(withError: ExitCode(64))
        }
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
            Failure.printError(message: String(message.dropFirst(7)))
            Foundation.exit(code.rawValue)
        }
    }
}
