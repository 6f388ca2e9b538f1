import ArgumentParser
import Foundation
import LambdaBuild
import LambdaConfig

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every function and extension, with its targets and where build writes it.",
        discussion: """
            Resolves the package or workspace as build does (kinds from swift-lambda.toml and --extension), \
            and prints each function's name, kind, member package, target closure (through .package(path:) \
            dependencies) and artifact. With --affected-since REV only the functions whose inputs changed \
            since that git revision are listed (uncommitted and untracked files count): a target's files \
            affect the functions built from it, a manifest or Package.resolved every function of its package \
            and of the packages using it, swift-lambda.toml every function it applies to, an --include its \
            functions. With --message-format json, one object per line (name, kind, package, targets, \
            artifact): `jq -s -c 'map(.name)'` turns it into a CI matrix.
            """
    )

    @Option(help: ArgumentHelp("The package (or workspace) to list (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Flag(help: "List every package below the current directory (or --package-path), as build --workspace does.")
    var workspace = false

    @Option(help: ArgumentHelp("The configuration file (default: swift-lambda.toml at the package or workspace root).", valueName: "file"))
    var config: String?

    @Option(name: .customLong("product"), help: ArgumentHelp("Only this product (repeatable).", valueName: "name"))
    var products: [String] = []

    @Flag(name: .customLong("extension"), help: "Take the products as extensions, as build --extension does.")
    var asExtension = false

    @Option(help: ArgumentHelp("Where build writes (default: as build).", valueName: "dir"))
    var lambdaDir: String?

    @Option(help: ArgumentHelp("Only the functions a change since this git revision affects (uncommitted changes count).", valueName: "rev"))
    var affectedSince: String?

    @Option(help: ArgumentHelp("human, or json: one object per function per line.", valueName: "format"))
    var messageFormat: MessageFormat = .human

    @OptionGroup var colour: ColourOptions

    func validate() throws {
        try AffectedSince.validate(affectedSince)
    }

    func run() async throws {
        let here = FileManager.default.currentDirectoryPath
        var flags = Layer()
        if let lambdaDir { flags.set(.lambdaDir, .string(lambdaDir), from: Origin(.flag("--lambda-dir"), baseDirectory: here)) }
        if asExtension { flags.set(.extension, .bool(true), from: Origin(.flag("--extension"), baseDirectory: here)) }
        let input = BuildInput(
            packagePath: packagePath, products: products, configPath: config, workspace: workspace, messageFormat: messageFormat,
            flags: flags, affectedSince: affectedSince)
        let context = BuildContext.live(colour: colour.mode)
        try await Failure.report(colour: colour.mode) {
            let listing = try await BuildWorkflow(input: input, context: context).list()
            let renderer = ListRenderer(context: context)
            let lines = messageFormat == .json ? renderer.json(listing) : renderer.human(listing)
            lines.forEach(context.console.result)
            if listing.isEmpty, messageFormat == .human {
                context.console.progress(affectedSince.map { "no function is affected by the changes since \($0)" } ?? "no function found")
            }
        }
    }
}

/// `--affected-since` of `list`, `build` and `deploy`: a revision, not an option's name.
enum AffectedSince {
    static func validate(_ revision: String?) throws {
        if let revision, revision.isEmpty || revision.hasPrefix("-") {
            throw ValidationError("--affected-since needs a git revision (a commit, branch or tag), not '\(revision)'")
        }
    }
}
