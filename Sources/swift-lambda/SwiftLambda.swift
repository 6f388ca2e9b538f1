import ArgumentParser
import LambdaSupport

/// The `swift-lambda` command: subcommands only; each lives in its own file.
@main
struct SwiftLambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swift-lambda",
        abstract: "Build Swift packages into AWS Lambda functions and extensions, and run them locally.",
        version: "0.1.0",
        subcommands: [Build.self, Invoke.self, Serve.self, New.self, Init.self]
    )

    /// A mistyped subcommand gets a did-you-mean (exit 64) before ArgumentParser parses.
    static func main() async {
        do {
            let names = configuration.subcommands.map { $0._commandName } + ["help"]
            try CommandLineError.checkSubcommand(Array(CommandLine.arguments.dropFirst()), known: names)
        } catch {
            Failure.printError(error)
            exit(withError: ExitCode(64))
        }
        await main(nil)
    }
}
