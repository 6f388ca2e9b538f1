import ArgumentParser
import LambdaBuild
import LambdaSupport
import ProjectTemplates

/// `swift-lambda new`: parsing and dispatch; `NewProject` decides and writes.
struct New: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a new package with a Lambda function or extension.",
        discussion: """
            Writes a package from one of swift-lambda's templates into ./NAME (or --path): \
            Package.swift, sources, a test target, README.md, .gitignore and swift-lambda.toml. \
            The function template uses swift-aws-lambda-runtime 2; --http answers API Gateway \
            HTTP API requests (swift-aws-lambda-events); --extension is an extension without \
            dependencies. NAME is the product's and the Lambda function's name; the Swift \
            module's name is derived from it (hello-world: HelloWorld).
            """
    )

    @Argument(help: "The function's name: letters, digits, '-' and '_', at most 64, starting with a letter.")
    var name: String

    @Flag(help: "An HTTP function for API Gateway HTTP APIs and function URLs.")
    var http = false

    @Flag(name: .customLong("extension"), help: "A Lambda extension instead of a function.")
    var isExtension = false

    @Option(help: ArgumentHelp("Where the package goes (default: ./NAME).", valueName: "dir"))
    var path: String?

    @Flag(help: "Write into a directory that is not empty, replacing files of the same names.")
    var force = false

    func validate() throws {
        if http && isExtension {
            throw ValidationError("--http and --extension choose different templates; pass one of them")
        }
        do {
            _ = try ProjectNames(package: name, product: name)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        try await Failure.report {
            let context = BuildContext.live()
            let toolchain = try await InstalledToolchain.locate(
                environment: context.environment, runner: context.runner)
            let directory = FileSystem.absolute(path ?? name, relativeTo: context.currentDirectory)
            let project = try NewProject(
                kind: TemplateKind(http: http, extension: isExtension), name: name, directory: directory, force: force,
                swiftToolsVersion: toolchain.toolsVersion)
            let report = try project.run()
            let shown = directory == context.currentDirectory ? "." : context.displayPath(directory)
            for line in report.lines(displayRoot: shown, isNew: true) { context.console.result(line) }
        }
    }
}
