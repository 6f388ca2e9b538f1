import ArgumentParser

/// The `swift-lambda` command: subcommands only; each lives in its own file.
@main
struct SwiftLambda: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swift-lambda",
        abstract: "Build Swift packages into AWS Lambda functions and extensions, and run them locally.",
        version: "0.1.0",
        subcommands: [Build.self, Invoke.self, Serve.self, New.self, Init.self]
    )
}
