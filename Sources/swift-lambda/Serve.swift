import ArgumentParser
import LambdaInvoke

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep an emulated Lambda running and take invocations over HTTP.",
        discussion: """
            Prints AWS_LAMBDA_RUNTIME_API=127.0.0.1:PORT and serves the Runtime and Extensions APIs \
            and the invoke API (POST /2015-03-31/functions/NAME/invocations) until Ctrl-C. With NAME \
            it starts that function itself (as invoke does), keeps it warm across invocations and \
            prints its cold start (spawn to first next); after a crash or a timeout the next \
            invocation starts a new environment. Without NAME, start a bootstrap yourself with the \
            printed AWS_LAMBDA_RUNTIME_API; its cold start is measured from its first request.
            """
    )

    @Argument(help: ArgumentHelp("A function to start and keep warm (default: none; start one by hand).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The port on 127.0.0.1; 0 picks a free one.", valueName: "port"))
    var port = 0

    @Flag(help: "With NAME: run bootstrap.zip and the extensions' layer zips, unpacked.")
    var zip = false

    @OptionGroup var images: ImageRunOptions

    @Flag(help: "With NAME: run <lambda-dir>/bootstrap, what build --flatten NAME wrote.")
    var flattened = false

    @Option(name: .customLong("extension"), help: ArgumentHelp("With NAME: start <lambda-dir>/extensions/NAME first (repeatable).", valueName: "name"))
    var extensions: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("With NAME: set a variable in the function's environment (repeatable).", valueName: "key=value"))
    var environment: [String] = []

    @Flag(name: .shortAndLong, help: "Print the artifacts found, the emulator's address, and each process started with its environment (secrets masked).")
    var verbose = false

    @OptionGroup var colour: ColourOptions

    @Option(help: ArgumentHelp("Seconds an invocation may run before it is killed; 3 is Lambda's default.", valueName: "seconds"))
    var timeout: Double = 3

    @Option(help: ArgumentHelp("With NAME: the package whose lambda directory holds it.", valueName: "dir"))
    var packagePath: String?

    @Option(help: ArgumentHelp("With NAME: where the artifacts are (default: as build, lambda-dir from swift-lambda.toml or SWIFT_LAMBDA_LAMBDA_DIR, else target/lambda).", valueName: "dir"))
    var lambdaDir: String?

    var duration: Duration { .milliseconds(Int64((timeout * 1000).rounded())) }

    var settings: FunctionSettings? {
        name.map { name in
            FunctionSettings(
                name: name, packagePath: packagePath, lambdaDirectory: lambdaDir, zip: zip, extensions: extensions,
                environment: environment, timeout: duration, flattened: flattened, image: images.image,
                containerCLI: images.containerCLI)
        }
    }

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port \(port) is not a TCP port; give 1-65535, or 0 for a free one")
        }
        try validateTimeout(timeout)
        if name == nil {
            let needsName = [("--zip", zip), ("--image", images.image), ("--flattened", flattened), ("--extension", !extensions.isEmpty), ("--env", !environment.isEmpty),
                             ("--package-path", packagePath != nil), ("--lambda-dir", lambdaDir != nil)]
            if let (flag, _) = needsName.first(where: { $0.1 }) {
                throw ValidationError("\(flag) describes a function to start; pass its NAME, or drop \(flag) and start the function yourself")
            }
        }
        do {
            try settings?.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        let workflow = ServeWorkflow(function: settings, port: port, timeout: duration, context: .live(colour: colour.mode, verbose: verbose))
        try await Failure.report(colour: colour.mode) {
            try await Interruption.cancellingOnSignals { try await workflow.run() }
        }
    }
}
