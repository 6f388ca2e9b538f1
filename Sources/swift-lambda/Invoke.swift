import ArgumentParser
import Foundation
import LambdaDeploy
import LambdaInvoke

struct Invoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a built function locally, as Lambda would, and invoke it once.",
        discussion: """
            Starts <lambda-dir>/NAME/bootstrap (with --zip: bootstrap.zip unpacked into a temporary \
            directory, as Lambda unpacks it into /var/task) with Lambda's environment against an \
            emulated Runtime API, delivers the event, and prints the response on standard output. \
            The function's own output goes to standard error, with Lambda's START, END and REPORT \
            lines. A function error is printed too, and the exit status is 1; so it is when the \
            function fails to start, times out or crashes. With --remote, the function deployed on \
            AWS Lambda is invoked instead (the same exit statuses; -v prints the log tail Lambda \
            returns).
            """
    )

    @Argument(help: ArgumentHelp("The function: a product built by swift-lambda build.", valueName: "name"))
    var function: String?

    /// Required except by `--data-example list`, which runs nothing.
    var name: String { function ?? "" }

    @Option(help: ArgumentHelp("The event, as JSON (default: {}).", valueName: "json"))
    var data: String?

    @Option(help: ArgumentHelp("Read the event from this file (- for standard input).", valueName: "file"))
    var dataFile: String?

    @Option(help: ArgumentHelp("Send a sample event for a trigger (sqs, s3, apigateway-http, ...); list prints them all.", valueName: "name"))
    var dataExample: String?

    @Flag(help: "Run bootstrap.zip and the extensions' layer zips, unpacked: exactly what will be uploaded.")
    var zip = false

    @OptionGroup var images: ImageRunOptions

    @Flag(help: "Run <lambda-dir>/bootstrap as NAME: what build --flatten NAME wrote.")
    var flattened = false

    @Option(
        name: .customLong("extension"),
        help: ArgumentHelp("Start <lambda-dir>/extensions/NAME first, as a layer would (repeatable).", valueName: "name"))
    var extensions: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("Set a variable in the function's environment (repeatable).", valueName: "key=value"))
    var environment: [String] = []

    @Flag(name: .shortAndLong, help: "Print the artifacts found, the emulator's address, and each process started with its environment (secrets masked).")
    var verbose = false

    @OptionGroup var colour: ColourOptions

    @Option(help: ArgumentHelp("Seconds the invocation may run before it is killed; 3 is Lambda's default.", valueName: "seconds"))
    var timeout: Double = 3

    @Option(help: ArgumentHelp("The package whose lambda directory holds the function (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Option(help: ArgumentHelp("Where the artifacts are (default: as build, lambda-dir from swift-lambda.toml or SWIFT_LAMBDA_LAMBDA_DIR, else target/lambda in the package).", valueName: "dir"))
    var lambdaDir: String?

    @Flag(help: "Invoke the deployed function on AWS Lambda (or --endpoint-url) instead of running it here (default: off).")
    var remote = false

    @Option(help: ArgumentHelp("With --remote: the version or alias to invoke (default: $LATEST).", valueName: "version-or-alias"))
    var qualifier: String?

    @OptionGroup(title: "Connection (with --remote)") var connection: ConnectionOptions

    var settings: FunctionSettings {
        FunctionSettings(
            name: name, packagePath: packagePath, lambdaDirectory: lambdaDir, zip: zip, extensions: extensions,
            environment: environment, timeout: .milliseconds(Int64((timeout * 1000).rounded())), flattened: flattened,
            image: images.image, containerCLI: images.containerCLI)
    }

    func validate() throws {
        if dataExample == "list" { return }
        if function == nil {
            throw ValidationError("name the function to invoke (swift-lambda invoke NAME)")
        }
        let sources = [("--data", data), ("--data-file", dataFile), ("--data-example", dataExample)].filter { $0.1 != nil }.map(\.0)
        if sources.count > 1 {
            throw ValidationError("\(sources.joined(separator: " and ")) \(sources.count == 2 ? "both" : "all") give the event; pass one of them")
        }
        try validateTimeout(timeout)
        if remote {
            let local = [("--zip", zip), ("--image", images.image), ("--flattened", flattened), ("--extension", !extensions.isEmpty), ("--env", !environment.isEmpty)]
            if let (flag, _) = local.first(where: { $0.1 }) {
                throw ValidationError("\(flag) describes a local run; --remote invokes the function as deployed, so drop one of them")
            }
        } else if qualifier != nil || connection.layer.values.count > 0 {
            throw ValidationError("--qualifier, --region, --profile and --endpoint-url are for the deployed function; add --remote")
        }
        do {
            try settings.validate()
            if let data { _ = try Payload.inline(data) }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        if dataExample == "list" {
            SampleEvents.listing().forEach { print($0) }
            return
        }
        if remote { return try await runRemote() }
        let workflow = InvokeWorkflow(
            function: settings, data: data, dataFile: dataFile, dataExample: dataExample, context: .live(colour: colour.mode, verbose: verbose))
        try await Failure.report(colour: colour.mode) {
            _ = try await Interruption.cancellingOnSignals { try await workflow.run() }
        }
    }
}

extension Invoke {
    /// Invoke on Lambda: the payload on standard output; a function error's object too, and exit 1.
    func runRemote() async throws {
        try await Failure.report(colour: colour.mode) {
            var context = DeployContext.live(colour: colour.mode)
            context.build.environment = Self.localDefaults(endpointURL: connection.endpointURL, profile: connection.profile, context.build.environment)
            let console = context.build.console
            let payload = try Payload.resolve(
                data: data, dataFile: dataFile, dataExample: dataExample, currentDirectory: context.build.currentDirectory)
            let client = try await DeployConnection.client(packagePath: packagePath, flags: connection.layer, context: context, trace: context.tracer(verbose: verbose))
            let outcome = try await RemoteInvocation(client: client).run(
                function: name, qualifier: qualifier, payload: Data(payload), logTail: verbose)
            if let log = outcome.logTail, verbose { log.split(separator: "\n").forEach { console.progress(String($0)) } }
            FileHandle.standardOutput.write(outcome.payload)
            if !outcome.payload.isEmpty, outcome.payload.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
            if let error = outcome.functionError {
                throw DeployError.functionError("\(name) returned a function error (\(error)); its error object is on standard output")
            }
        }
    }

    /// A loopback `--endpoint-url` is a local Lambda (`watch`, `serve`, moto): it checks no
    /// signature, so a missing region and missing credentials get placeholders there rather
    /// than an error; anything set (variables, `--profile`) is kept.
    static func localDefaults(endpointURL: String?, profile: String?, _ environment: [String: String]) -> [String: String] {
        guard let endpointURL, let host = URL(string: endpointURL)?.host,
              ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else { return environment }
        var environment = environment
        if environment["AWS_REGION"] == nil && environment["AWS_DEFAULT_REGION"] == nil { environment["AWS_REGION"] = "us-east-1" }
        if profile == nil && environment["AWS_PROFILE"] == nil && environment["AWS_ACCESS_KEY_ID"] == nil {
            environment["AWS_ACCESS_KEY_ID"] = "local"
            environment["AWS_SECRET_ACCESS_KEY"] = "local"
        }
        return environment
    }
}

/// Lambda's timeout is between 1 and 900 seconds; fractions are allowed here for tests and
/// quick checks.
func validateTimeout(_ seconds: Double) throws {
    guard seconds.isFinite, seconds >= 0.001, seconds <= 900 else {
        throw ValidationError("--timeout \(seconds) is out of range; give seconds above 0 and at most 900, Lambda's limit")
    }
}
