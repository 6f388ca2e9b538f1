import Foundation
public import LambdaEmulator
public import LambdaSupport

/// Which artifact to run and how: what `invoke` and `serve NAME` share.
public struct FunctionSettings: Sendable, Equatable {
    public var name: String
    public var packagePath: String?
    public var lambdaDirectory: String?
    /// Run `bootstrap.zip` (and layer zips) unpacked, rather than the directories.
    public var zip: Bool
    public var extensions: [String]
    /// `--flattened`: run `<lambda-dir>/bootstrap`, what `build --flatten NAME` wrote.
    public var flattened: Bool
    /// `--env KEY=VALUE`, as given.
    public var environment: [String]
    public var timeout: Duration
    /// `--image`: run `image.tar` (what `build --output-format image` wrote) instead of the directory.
    public var image: Bool
    /// `--container-cli podman|docker`: with `--image`, run it in that engine instead.
    public var containerCLI: String?

    public init(
        name: String, packagePath: String? = nil, lambdaDirectory: String? = nil, zip: Bool = false,
        extensions: [String] = [], environment: [String] = [], timeout: Duration = .seconds(3), flattened: Bool = false,
        image: Bool = false, containerCLI: String? = nil
    ) {
        self.image = image
        self.containerCLI = containerCLI
        self.flattened = flattened
        self.name = name
        self.packagePath = packagePath
        self.lambdaDirectory = lambdaDirectory
        self.zip = zip
        self.extensions = extensions
        self.environment = environment
        self.timeout = timeout
    }
}

extension FunctionSettings {
    /// The checks that need nothing but the settings, for the CLI's usage errors (exit 64).
    public func validate() throws(InvokeError) {
        for name in [name] + extensions {
            guard !name.isEmpty, !name.hasPrefix("-"), !name.contains("/"), name != ".", name != ".." else {
                throw .invalidName(name)
            }
        }
        _ = try LambdaEnvironment.parse(environment)
        if image, zip { throw .contradictoryFormats }
        if containerCLI != nil, !image { throw .containerWithoutImage }
    }
}

extension FunctionSettings {
    /// The artifacts ready to start, as the settings say: the directory, the unpacked zip, the
    /// unpacked image, or the image loaded into a container engine.
    func prepare(lambdaDirectory: String, context: InvokeContext) async throws -> PreparedArtifacts {
        guard let cli = containerCLI, image else {
            return try ArtifactLocator.prepare(
                function: name, extensions: extensions, zip: zip, lambdaDirectory: lambdaDirectory, flattened: flattened,
                image: image)
        }
        return try await ContainerImage.load(
            function: name, source: "\(flattened ? lambdaDirectory : "\(lambdaDirectory)/\(name)")/image.tar", cli: cli,
            extensions: extensions, lambdaDirectory: lambdaDirectory, environment: context.environment)
    }
}

extension FunctionSettings {
    /// Where the artifacts are, as `build` resolves it; the configuration's warnings go to
    /// the console first, as `build` prints them.
    func lambdaDirectory(in context: InvokeContext) throws -> String {
        let (path, warnings) = try ArtifactLocator.locateLambdaDirectory(
            packagePath: packagePath, lambdaDirectory: lambdaDirectory, currentDirectory: context.currentDirectory,
            environment: context.environment)
        warnings.forEach { context.console.log("warning: \($0)") }
        return path
    }
}

/// What `invoke` and `serve` touch outside themselves, injected so tests can replace it.
public struct InvokeContext: Sendable {
    public var currentDirectory: String
    public var console: any InvokeConsole
    /// Where the function's and the extensions' output goes.
    public var childOutput: ChildOutput
    public var limits: EnvironmentLimits
    /// swift-lambda's own environment: `SWIFT_LAMBDA_LAMBDA_DIR` names the lambda directory.
    public var environment: [String: String]
    /// `-v`: say what is run, where and with which environment (secrets masked).
    public var verbose: Bool

    public init(
        currentDirectory: String, console: any InvokeConsole, childOutput: ChildOutput = .standardError,
        limits: EnvironmentLimits = EnvironmentLimits(), environment: [String: String] = [:], verbose: Bool = false
    ) {
        self.verbose = verbose
        self.currentDirectory = currentDirectory
        self.environment = environment
        self.console = console
        self.childOutput = childOutput
        self.limits = limits
    }

    public static func live(colour: ColourMode = .auto, verbose: Bool = false) -> InvokeContext {
        let environment = ProcessInfo.processInfo.environment
        return InvokeContext(
            currentDirectory: FileSystem.currentDirectory,
            console: StandardInvokeConsole(colour: colour.usesColourOnStandardError(environment: environment)),
            environment: environment, verbose: verbose)
    }

    /// With `-v`, where each process's start is told; nil otherwise.
    var trace: (@Sendable (String) -> Void)? {
        guard verbose else { return nil }
        let console = console
        return { console.log($0) }
    }

    /// `-v`: the artifacts found, and where they run from.
    func describe(_ artifacts: PreparedArtifacts, lambdaDirectory: String) {
        guard verbose else { return }
        console.log("Lambda directory: \(lambdaDirectory)")
        console.log("Function \(artifacts.function): \(artifacts.bootstrap) (/var/task is \(artifacts.taskRoot), /opt is \(artifacts.optRoot))")
        for (name, executable) in artifacts.extensions { console.log("Extension \(name): \(executable)") }
    }
}

/// `swift-lambda invoke NAME`: the artifact as it will be deployed, started with Lambda's
/// environment against a fresh emulator, given one event; the answer on standard output.
public struct InvokeWorkflow: Sendable {
    public var function: FunctionSettings
    /// `--data`, `--data-file`, `--data-example`; `{}` when all are nil.
    public var data: String?
    public var dataFile: String?
    public var dataExample: String?
    public var context: InvokeContext

    public init(
        function: FunctionSettings, data: String? = nil, dataFile: String? = nil, dataExample: String? = nil, context: InvokeContext
    ) {
        self.function = function
        self.data = data
        self.dataFile = dataFile
        self.dataExample = dataExample
        self.context = context
    }

    /// Prints the response body and returns the result; a function error is printed too, then
    /// thrown as `InvokeError.functionError`. Faults are thrown; no process outlives the call.
    @discardableResult
    public func run() async throws -> InvocationResult {
        let payload = try Payload.resolve(
            data: data, dataFile: dataFile, dataExample: dataExample, currentDirectory: context.currentDirectory)
        let overrides = try LambdaEnvironment.parse(function.environment)
        let lambdaDirectory = try function.lambdaDirectory(in: context)
        let artifacts = try await function.prepare(lambdaDirectory: lambdaDirectory, context: context)
        defer { artifacts.remove() }
        context.describe(artifacts, lambdaDirectory: lambdaDirectory)

        let log = InvocationLog(console: context.console)
        let printer = StreamPrinter(console: context.console)
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(
            function: LambdaEnvironment.identity(name: function.name, overrides: overrides), timeout: function.timeout,
            extensionNames: Set(function.extensions), onEvent: log.record))
        if context.verbose { context.console.log("Emulator: http://\(emulator.endpoint) (Runtime, Extensions and invoke APIs)") }
        let result: InvocationResult
        do {
            result = try await ExecutionEnvironment.run(
                artifacts, overrides: overrides, emulator: emulator, limits: context.limits, output: context.childOutput,
                trace: context.trace
            ) { environment in
                log.noteInit(try await environment.start())
                return try await environment.invoke(InvocationRequest(payload: payload)) { printer.take($0) }
            }
        } catch {
            printer.finish()
            await emulator.stop()
            throw error is CancellationError ? InvokeError.interrupted : error
        }
        await emulator.stop()

        printer.finish()
        switch result.outcome {
        case .response(let body):
            if !result.streamed { context.console.output(body) }
        case .error(let report):
            context.console.output(report.body)
            throw InvokeError.functionError(function: function.name, report)
        case .timedOut, .abandoned:
            break  // thrown by the environment already
        }
        return result
    }
}

/// `invoke`'s view of a streamed answer: each chunk on standard output as it arrives, the
/// prelude (status and headers) split off onto standard error as one line, and a newline at
/// the end unless the body ended with one. A stream that ends in an error leaves its body so
/// far, then the error object on a line of its own.
final class StreamPrinter: Sendable {
    private let console: any InvokeConsole
    private let body = Locked<StreamedBody?>(nil)
    private let endsWithNewline = Locked(false)

    init(console: any InvokeConsole) {
        self.console = console
    }

    func take(_ event: InvocationEvent) {
        let parts: [StreamedBody.Part] = body.withLock { body in
            switch event {
            case .streamStarted(_, let contentType):
                body = StreamedBody(contentType: contentType)
                return []
            case .chunk(let bytes):
                return body?.take(bytes) ?? []
            case .finished:
                return []
            }
        }
        show(parts)
    }

    /// Ends a stream that started (a timeout or a crash too); nothing when none did.
    func finish() {
        guard let parts = body.withLock({ body -> [StreamedBody.Part]? in
            defer { body = nil }
            return body?.finish()
        }) else { return }
        show(parts)
        if !endsWithNewline.withLock({ $0 }) { console.write([UInt8(ascii: "\n")]) }
    }

    private func show(_ parts: [StreamedBody.Part]) {
        for part in parts {
            switch part {
            case .prelude(let prelude): console.log("Streamed response: \(prelude.line)")
            case .body(let bytes):
                console.write(bytes)
                endsWithNewline.withLock { $0 = bytes.last == UInt8(ascii: "\n") }
            }
        }
    }
}
