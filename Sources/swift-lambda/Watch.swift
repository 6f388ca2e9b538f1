import ArgumentParser
import Foundation
import LambdaBuild
import LambdaConfig
import LambdaInvoke
import LambdaWatch

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build every function, serve them all on one port, and rebuild and reload on each change.",
        discussion: """
            Builds the package's (or workspace's) functions as build does (binary layout, debug unless \
            --release), then serves on one port: the invoke API (POST /2015-03-31/functions/NAME/invocations, \
            for aws lambda invoke --endpoint-url and SDKs) and function URLs (any method on \
            /lambda-url/NAME/PATH becomes a payload 2.0 event; the answer is mapped back as Lambda maps \
            it). Streamed responses pass through as they arrive. Each function starts on its first \
            invocation and stays warm. A change under the package's sources, resources, Package.swift \
            or swift-lambda.toml, or to a file the variables come from (--env-file, env-file), but not \
            .build*, target, hidden files or what .gitignore ignores, starts an incremental rebuild \
            50 ms after the last write; invocations wait for it, then run the new binary. A failed rebuild \
            prints the compiler's errors and keeps the last good build serving. Ctrl-C stops everything.
            """
    )

    @Option(help: ArgumentHelp("The port to serve on; 0 takes a free one.", valueName: "port"))
    var port = 9000

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "address"))
    var address = "127.0.0.1"

    @Option(help: ArgumentHelp("The package (or workspace) to watch (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Option(name: .customLong("product"), help: ArgumentHelp("Serve only this function (repeatable; default: every one).", valueName: "name"))
    var products: [String] = []

    @Flag(help: "Build in release mode (default: debug, for fast incremental rebuilds).")
    var release = false

    @Option(name: .customLong("env"), help: ArgumentHelp("Set a variable in every function's environment (repeatable; over --env-file and the env tables).", valueName: "key=value"))
    var environment: [String] = []

    @Option(help: ArgumentHelp("KEY=VALUE lines added to every function's environment (over the env tables of swift-lambda.toml).", valueName: "file"))
    var envFile: String?

    @Option(help: ArgumentHelp("Environments of one function that may run at once; more invocations wait for a free one.", valueName: "n"))
    var concurrency = 1

    @Option(help: ArgumentHelp("Seconds an invocation may run (default: the function's timeout in swift-lambda.toml, else 3).", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("extension"), help: ArgumentHelp("Run this extension (built by the same package) beside every environment (repeatable).", valueName: "name"))
    var extensions: [String] = []

    @Flag(help: "Build images (--output-format image) and run each from its own files, through its own loader (not with --extension).")
    var image = false

    @Flag(help: "Do not watch for changes; serve the first build until Ctrl-C.")
    var noReload = false

    @Option(help: ArgumentHelp("Where the build writes (default: as build).", valueName: "dir"))
    var lambdaDir: String?

    @Flag(name: .shortAndLong, help: "Print the build's commands and each process started with its environment (secrets masked).")
    var verbose = false

    @OptionGroup var colour: ColourOptions

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port \(port) is not a TCP port; give 1-65535, or 0 for a free one")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency \(concurrency) runs nothing; give 1 or more") }
        if let timeout { try validateTimeout(timeout) }
        if image, !extensions.isEmpty {
            throw ValidationError("--image builds the functions as images, and Lambda runs no extension images; drop --extension or --image")
        }
        for name in products + extensions where name.isEmpty || name.hasPrefix("-") {
            throw ValidationError("'\(name)' is not a product name; pass the name of an executable product")
        }
        do {
            _ = try LambdaEnvironment.parse(environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        var flags = Layer()
        if let lambdaDir {
            flags.set(.lambdaDir, .string(lambdaDir), from: Origin(.flag("--lambda-dir"), baseDirectory: FileManager.default.currentDirectoryPath))
        }
        var input = WatchInput(
            packagePath: packagePath, products: products, release: release, environment: environment, environmentFile: envFile,
            concurrency: concurrency, timeout: timeout.map { .milliseconds(Int64(($0 * 1000).rounded())) }, extensions: extensions,
            reload: !noReload, address: address, port: port, verbose: verbose, flags: flags)
        input.image = image
        let workflow = WatchWorkflow(
            input: input, build: .live(colour: colour.mode), invoke: .live(colour: colour.mode, verbose: verbose))
        try await Failure.report(colour: colour.mode) {
            try await Interruption.cancellingOnSignals { try await workflow.run() }
        }
    }
}
