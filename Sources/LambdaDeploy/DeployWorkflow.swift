public import AWSClient
import Archiver
import Foundation
public import LambdaBuild
public import LambdaConfig
public import LambdaSupport
import OCIRegistry

/// `swift-lambda deploy` as invoked: what only the command line sets, and the flags as a layer
/// (a flag not given is absent, so it never hides the file).
public struct DeployInput: Sendable {
    public var names: [String]
    public var packagePath: String?
    public var configPath: String?
    public var workspace: Bool
    /// `--lambda-dir`, relative to the current directory.
    public var lambdaDirectory: String?
    public var dryRun: Bool
    public var printConfig: Bool
    public var verbose: Bool
    public var quiet: Bool
    public var messageFormat: MessageFormat
    public var concurrency: Int
    public var flags: Layer
    /// `--affected-since REV`: only the functions and extensions whose inputs changed since that
    /// git revision, as `list --affected-since` decides (a CI job deploys what its build built).
    public var affectedSince: String?

    public init(
        names: [String] = [], packagePath: String? = nil, configPath: String? = nil, workspace: Bool = false,
        lambdaDirectory: String? = nil, dryRun: Bool = false, printConfig: Bool = false, verbose: Bool = false,
        quiet: Bool = false, messageFormat: MessageFormat = .human, concurrency: Int = 4, flags: Layer = Layer(),
        affectedSince: String? = nil
    ) {
        self.affectedSince = affectedSince
        self.names = names
        self.packagePath = packagePath
        self.configPath = configPath
        self.workspace = workspace
        self.lambdaDirectory = lambdaDirectory
        self.dryRun = dryRun
        self.printConfig = printConfig
        self.verbose = verbose
        self.quiet = quiet
        self.messageFormat = messageFormat
        self.concurrency = concurrency
        self.flags = flags
    }
}

/// What deploy touches besides AWS: the build's context (variables, directory, console), the
/// home directory the AWS files are read from, the transport, and how long it waits.
public struct DeployContext: Sendable {
    public var build: BuildContext
    public var home: String
    public var transport: any HTTPTransport
    public var wait: WaitPolicy

    public init(build: BuildContext, home: String, transport: any HTTPTransport = CurlTransport(), wait: WaitPolicy = WaitPolicy()) {
        self.build = build
        self.home = home
        self.transport = transport
        self.wait = wait
    }

    /// `-v`: each AWS call in one line on standard error (the client prints method, path and
    /// status, never a header, so no secret).
    public func tracer(verbose: Bool) -> (@Sendable (String) -> Void)? {
        guard verbose else { return nil }
        let console = build.console
        return { line in console.progress("  aws: " + line) }
    }

    public static func live(colour: ColourMode = .auto) -> DeployContext {
        let build = BuildContext.live(colour: colour)
        return DeployContext(build: build, home: build.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path)
    }
}

/// Locate the project and its artifacts, resolve each function's settings, connect, deploy,
/// report. The decisions are `FunctionPlan`'s and `DeploySpecs`'; this type sequences them.
public struct DeployWorkflow: Sendable {
    public var input: DeployInput
    public var context: DeployContext

    public init(input: DeployInput, context: DeployContext) {
        self.input = input
        self.context = context
        if input.quiet { self.context.build.console = QuietConsole(context.build.console) }
    }

    var console: any Console { context.build.console }

    @discardableResult
    public func run() async throws -> [DeployReport] {
        let started = Date()
        do {
            return try await deploy(started: started)
        } catch {
            if input.messageFormat == .json {
                console.result(DeployOutput.finished([], dryRun: input.dryRun, seconds: Date().timeIntervalSince(started), error: "\(error)"))
            }
            throw error
        }
    }

    func deploy(started: Date) async throws -> [DeployReport] {
        var flags = input.flags
        if let directory = input.lambdaDirectory {
            flags.set(.lambdaDir, .string(directory), from: Origin(.flag("--lambda-dir"), baseDirectory: context.build.currentDirectory))
        }
        let project = try await Project.locate(
            packagePath: input.packagePath, configPath: input.configPath, workspace: input.workspace, flags: flags,
            context: context.build)
        let configuration = project.configuration
        (configuration.warnings + configuration.deployWarnings).forEach { console.progress("warning: \($0)") }
        try configuration.checkDeployValues()
        var names = input.names
        if let revision = input.affectedSince {
            guard let affected = try await affected(since: revision, flags: flags) else {
                console.progress("No function is affected by the changes since \(revision); nothing to deploy")
                if input.messageFormat == .json {
                    console.result(DeployOutput.finished([], dryRun: input.dryRun, seconds: Date().timeIntervalSince(started), error: nil))
                }
                return []
            }
            names = affected
        }
        let artifacts = try DeployArtifacts.find(
            names, in: project.lambdaDirectory, flattened: try configuration.flattenedProduct()?.value.string)
        guard !artifacts.isEmpty else { throw DeployError.nothingToDeploy(lambdaDirectory: project.lambdaDirectory) }
        let functions = artifacts.filter { $0.kind == .function }.map(\.name)

        if input.printConfig {
            let renderer = ConfigRenderer(currentDirectory: context.build.currentDirectory)
            switch input.messageFormat {
            case .human: renderer.renderDeploy(configuration, products: functions, memberOf: project.memberOf).forEach(console.result)
            case .json: console.result(renderer.deployJSON(configuration, products: functions, memberOf: project.memberOf))
            }
            return []
        }

        let runtime = configuration.value(of: .runtime)?.value.string ?? "provided.al2023"
        let zipOptions = try ZipOptions.deterministic(environment: context.build.environment)
        // `--image` or `output-format = "image"`: the function is its image.tar, pushed, not a zip.
        let isImage = { (artifact: DeployableArtifact) in
            artifact.kind == .function && DeploySpecs.isImage(artifact.name, configuration: project.configuration(for: artifact.name))
        }
        let zips = try DeployArtifacts.prepare(artifacts.filter { !isImage($0) }, in: project.lambdaDirectory, zipOptions: zipOptions)
        defer { zips.forEach { $0.removeTemporary() } }
        let (images, pusher) = try prepareImages(artifacts.filter(isImage), configuration: configuration)
        defer { images.forEach { $0.remove() } }
        var jobs: [DeployJob] = []
        for zip in zips where zip.kind == .function {
            let spec = try DeploySpecs.spec(for: zip, configuration: project.configuration(for: zip.name), runtime: runtime)
            jobs.append(DeployJob(zip: zip, spec: spec))
        }
        for image in images {
            jobs.append(DeployJob(image: image, spec: try DeploySpecs.spec(for: image, configuration: project.configuration(for: image.name))))
        }
        jobs.sort { $0.spec.name < $1.spec.name }
        let client = try await DeployConnection.client(
            configuration: configuration, context: context, trace: context.tracer(verbose: input.verbose))
        // Credentials once, before the first call: a missing one fails here, not mid-run.
        let credentials = try await client.credentials.credentials()
        if input.verbose { console.progress("Deploying to \(client.region) as \(credentials) (\(client.endpoints.url(for: .lambda)))") }

        let run = DeployRun(
            client: client, dryRun: input.dryRun, concurrency: input.concurrency, wait: context.wait,
            bucket: configuration.value(of: .s3Bucket)?.value.string, pusher: pusher, finished: reporter())
        let outcome = await run.run(extensions: zips.filter { $0.kind == .extension }, functions: jobs, runtimes: [runtime])
        switch input.messageFormat {
        case .human:
            if !outcome.reports.isEmpty { DeployOutput.table(outcome.reports, dryRun: input.dryRun).forEach(console.result) }
        case .json:
            console.result(DeployOutput.finished(
                outcome.reports, dryRun: input.dryRun, seconds: Date().timeIntervalSince(started),
                error: outcome.failures.first.map { "\($0)" }))
        }
        if !outcome.failures.isEmpty { throw DeployError.failed(outcome.failures.map(\.description)) }
        return outcome.reports
    }

    /// The image functions' images read back, and the pusher for them, before any call: without
    /// `push` (`--push`, `[build]`, `SWIFT_LAMBDA_PUSH`) there is nowhere Lambda could pull from.
    func prepareImages(_ artifacts: [DeployableArtifact], configuration: Configuration) throws -> ([DeployImage], ImagePusher?) {
        guard let first = artifacts.first else { return ([], nil) }
        guard let push = configuration.value(of: .push)?.value.string else { throw DeployError.imageNeedsPush(function: first.name) }
        let images = try DeployArtifacts.prepareImages(
            artifacts, destination: try PushDestination.parse(push), tag: configuration.value(of: .imageTag)?.value.string)
        do {
            let pusher = try ImagePusher(
                configuration: configuration, environment: context.build.environment,
                insecureRegistry: configuration.value(of: .insecureRegistry)?.value.bool ?? false, console: console,
                verbose: input.verbose)
            return (images, pusher)
        } catch {
            images.forEach { $0.remove() }
            throw error
        }
    }

    /// The names `--affected-since` leaves (those given on the command line, else every
    /// function and extension), from the build's own listing; nil when it leaves none.
    func affected(since revision: String, flags: Layer) async throws -> [String]? {
        let listing = BuildInput(
            packagePath: input.packagePath, configPath: input.configPath, workspace: input.workspace, flags: flags,
            affectedSince: revision)
        let affected = try await BuildWorkflow(input: listing, context: context.build).list().map(\.name)
        let names = input.names.isEmpty ? affected : input.names.filter(affected.contains)
        guard !names.isEmpty else { return nil }
        console.progress("Affected by the changes since \(revision): \(names.joined(separator: ", "))")
        return names
    }

    /// One progress line per function as it finishes (and its JSON object).
    func reporter() -> @Sendable (Result<DeployReport, DeployFailure>) -> Void {
        let console = self.console
        let dryRun = input.dryRun
        let json = input.messageFormat == .json
        return { result in
            switch result {
            case .success(let report):
                if json { console.result(DeployOutput.json(report, dryRun: dryRun)) }
                console.progress(DeployOutput.progress(report, dryRun: dryRun))
            case .failure(let failure):
                console.progress("error: \(failure)")
            }
        }
    }
}
