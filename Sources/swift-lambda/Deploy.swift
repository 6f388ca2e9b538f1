import ArgumentParser
import Foundation
import LambdaBuild
import LambdaConfig
import LambdaDeploy
import LambdaSupport

struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy the built functions and extensions to AWS Lambda; nothing unchanged is uploaded.",
        usage: """
            swift-lambda deploy [<name> ...] [<connection options>] [<function options>] [<release options>] [<artifacts options>] [<image options>]
            """,
        discussion: """
            Deploys every function (<lambda-dir>/NAME/bootstrap.zip, or the directory zipped as build \
            zips it) and extension (<lambda-dir>/extensions/NAME.zip, as a layer) that build wrote, or \
            the ones named. A function that exists is compared first: its code is uploaded only when \
            Lambda's CodeSha256 differs from the zip's, and only the configuration fields that differ \
            are changed. Options not given leave an existing function's value alone. Any option can \
            also be set in swift-lambda.toml, in [deploy] for every function or [functions.NAME] for \
            one; --print-config shows what applies and where it came from. Credentials and the region \
            are found as the AWS CLI finds them (AWS_* variables, --profile, SSO-free profiles with \
            role_arn or credential_process, web identity, container and instance credentials). \
            With --image (or output-format = "image" in swift-lambda.toml) each function is its \
            <lambda-dir>/NAME/image.tar, pushed with --push and deployed as a container image pinned \
            by its digest; an unchanged digest changes nothing.
            """
    )

    @Argument(help: ArgumentHelp("Functions or extensions to deploy (default: every one in the lambda directory).", valueName: "name"))
    var names: [String] = []

    @OptionGroup(title: "Connection") var connection: ConnectionOptions
    @OptionGroup(title: "Function") var function: FunctionOptions
    @OptionGroup(title: "Release") var release: ReleaseOptions
    @OptionGroup(title: "Artifacts") var artifacts: ArtifactsOptions
    @OptionGroup(title: "Image") var images: DeployImageOptions
    @OptionGroup var colour: ColourOptions

    @Flag(help: "Make read calls only and print what would be created or changed (default: off).")
    var dryRun = false

    @Flag(help: "Print each function's resolved deploy settings and where each came from, without deploying (default: off).")
    var printConfig = false

    @Option(help: ArgumentHelp("human, or json: one object per function on standard output and a final deploy-finished line (default: human).", valueName: "format"))
    var messageFormat: MessageFormat = .human

    @Flag(name: .shortAndLong, help: "Print where credentials came from and every AWS call (no secrets) (default: off).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "No progress lines; warnings, errors and the summary still print (default: off).")
    var quiet = false

    var flagLayer: Layer {
        var layer = connection.layer
        let here = FileManager.default.currentDirectoryPath
        func set(_ setting: Setting, _ value: SettingValue?, flag: String? = nil) {
            guard let value else { return }
            layer.set(setting, value, from: Origin(.flag(flag ?? setting.flag), baseDirectory: here))
        }
        set(.iamRole, function.iamRole.map(SettingValue.string))
        set(.memory, function.memory.map(SettingValue.integer))
        set(.timeout, function.timeout.map(SettingValue.integer))
        set(.envFile, function.envFile.map(SettingValue.string))
        set(.env, (try? EnvironmentFile.pairs(function.environment, flag: "--env")).flatMap { $0.isEmpty ? nil : .table($0) })
        set(.tags, (try? EnvironmentFile.pairs(function.tags, flag: "--tag")).flatMap { $0.isEmpty ? nil : .table($0) })
        set(.layers, function.layers.isEmpty ? nil : .list(function.layers))
        set(.functionDescription, function.description.map(SettingValue.string))
        set(.runtime, function.runtime.map(SettingValue.string))
        set(.publish, release.publish ? .bool(true) : nil)
        set(.alias, release.alias.map(SettingValue.string))
        set(.functionURL, release.functionURL ? .bool(true) : nil)
        set(.functionURLAuth, release.functionURLAuth.map(SettingValue.string))
        set(.s3Bucket, artifacts.s3Bucket.map(SettingValue.string))
        set(.outputFormat, images.image ? .string("image") : nil, flag: "--image")
        images.registry.set(into: &layer)
        return layer
    }

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet contradict each other; pass one of them") }
        do {
            _ = try EnvironmentFile.pairs(function.environment, flag: "--env")
            _ = try EnvironmentFile.pairs(function.tags, flag: "--tag")
        } catch {
            throw ValidationError("\(error)")
        }
        if images.image, let flag = [("--layer", !function.layers.isEmpty), ("--runtime", function.runtime != nil)].first(where: \.1)?.0 {
            throw ValidationError("\(flag) does not apply to --image: Lambda takes no layers or runtime for a container image; leave \(flag) out")
        }
        if release.functionURLAuth != nil && !release.functionURL {
            throw ValidationError("--function-url-auth sets the auth of a function URL; add --function-url")
        }
        // Every value a flag gives is checked as the file's are, with the flag named.
        for (setting, value) in flagLayer.values.sorted(by: { $0.key < $1.key }) {
            let entries: [SettingValue] = value.table.map { $0.sorted(by: { $0.key < $1.key }).map { .table([$0.key: $0.value]) } } ?? [value]
            for entry in entries {
                if let expected = DeployChoices.expected(setting, entry) {
                    throw ValidationError("\(setting.flag) \(entry.table?.keys.first ?? entry.string ?? "\(entry)"): expected \(expected)")
                }
            }
        }
        try AffectedSince.validate(artifacts.affectedSince)
        for name in names where name.isEmpty || name.hasPrefix("-") {
            throw ValidationError("'\(name)' is not a function name; pass the name of a built function or extension")
        }
    }

    func run() async throws {
        let input = DeployInput(
            names: names, packagePath: artifacts.packagePath, configPath: artifacts.config, workspace: artifacts.workspace,
            lambdaDirectory: artifacts.lambdaDir, dryRun: dryRun, printConfig: printConfig, verbose: verbose, quiet: quiet,
            messageFormat: messageFormat, flags: flagLayer, affectedSince: artifacts.affectedSince)
        try await Failure.report(colour: colour.mode) {
            _ = try await SignalCleanup.run { try await DeployWorkflow(input: input, context: .live(colour: colour.mode)).run() }
        }
    }
}

/// Deploying container images: what build's image options say, for the images build wrote.
struct DeployImageOptions: ParsableArguments {
    @Flag(help: "Deploy each function as its container image (<lambda-dir>/NAME/image.tar, from build --output-format image), pushed with --push (default: off, or output-format from swift-lambda.toml).")
    var image = false

    @OptionGroup var registry: PushOptions
}

/// Where AWS is: shared by deploy, delete and invoke --remote.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's).", valueName: "region"))
    var region: String?

    @Option(help: ArgumentHelp("The profile in ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, else default).", valueName: "name"))
    var profile: String?

    @Option(help: ArgumentHelp("Send every AWS call here, e.g. LocalStack or moto (default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else AWS).", valueName: "url"))
    var endpointURL: String?

    var layer: Layer {
        var layer = Layer()
        let here = FileManager.default.currentDirectoryPath
        for (setting, value) in [(Setting.region, region), (.profile, profile), (.endpointURL, endpointURL)] {
            if let value { layer.set(setting, .string(value), from: Origin(.flag(setting.flag), baseDirectory: here)) }
        }
        return layer
    }
}

struct FunctionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The execution role (default: the function's; a new function gets swift-lambda-execution, created once).", valueName: "arn"))
    var iamRole: String?

    @Option(help: ArgumentHelp("Memory in MB, 128 to 10240 (default: a new function gets 128).", valueName: "mb"))
    var memory: Int?

    @Option(help: ArgumentHelp("Timeout in seconds, 1 to 900 (default: a new function gets 3).", valueName: "seconds"))
    var timeout: Int?

    @Option(
        name: .customLong("env"),
        help: ArgumentHelp("Set a variable (repeatable). With --env-file and the file's env tables, it REPLACES the function's whole set.", valueName: "key=value"))
    var environment: [String] = []

    @Option(help: ArgumentHelp("Read variables from this file, KEY=VALUE per line; --env and env tables override it.", valueName: "file"))
    var envFile: String?

    @Option(name: .customLong("tag"), help: ArgumentHelp("Tag the function (repeatable; tags not named are left alone).", valueName: "key=value"))
    var tags: [String] = []

    @Option(name: .customLong("layer"), help: ArgumentHelp("A layer version ARN, or a layer's name for its newest version (repeatable).", valueName: "arn-or-name"))
    var layers: [String] = []

    @Option(help: ArgumentHelp("The function's description.", valueName: "text"))
    var description: String?

    @Option(help: ArgumentHelp("provided.al2023 or provided.al2 (default: build's runtime setting, else provided.al2023).", valueName: "runtime"))
    var runtime: String?
}

struct ReleaseOptions: ParsableArguments {
    @Flag(help: "Publish a version after the update (reused when nothing changed) (default: off).")
    var publish = false

    @Option(help: ArgumentHelp("Point this alias at the published version; implies --publish.", valueName: "name"))
    var alias: String?

    @Flag(help: "Give the function (or the alias) a function URL and print it (default: off).")
    var functionURL = false

    @Option(help: ArgumentHelp("none (public, with the permission it needs) or iam (default: none).", valueName: "auth"))
    var functionURLAuth: String?
}

struct ArtifactsOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Deploy only the functions a change since this git revision affects (uncommitted changes count; see list; default: every one built).",
            valueName: "rev"))
    var affectedSince: String?

    @Option(help: ArgumentHelp("The package whose lambda directory is deployed (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Option(help: ArgumentHelp("Where the artifacts are (default: as build, lambda-dir from swift-lambda.toml or SWIFT_LAMBDA_LAMBDA_DIR, else target/lambda).", valueName: "dir"))
    var lambdaDir: String?

    @Option(help: ArgumentHelp("The configuration file (default: swift-lambda.toml at the package or workspace root).", valueName: "file"))
    var config: String?

    @Flag(help: "Every package below the current directory, as build --workspace (default: off).")
    var workspace = false

    @Option(help: ArgumentHelp("Bucket for zips over 50 MB (default: swift-lambda-<account>-<region>, created once).", valueName: "bucket"))
    var s3Bucket: String?
}
