import ArgumentParser
import LambdaBuild
import LambdaSupport
import ProjectTemplates

/// `swift-lambda init`: parsing and dispatch; `InitProject` decides, edits and writes.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a Lambda function or extension to an existing package.",
        discussion: """
            Adds an executable product, its target and a test target to Package.swift (at the \
            end of the products:, dependencies: and targets: arrays, in the file's own layout) \
            and writes their sources. Existing files, products and targets are never replaced; \
            a manifest that builds these arrays in code is refused, and one that does not load \
            after the edit is restored.
            """
    )

    @Flag(help: "An HTTP function for API Gateway HTTP APIs and function URLs.")
    var http = false

    @Flag(name: .customLong("extension"), help: "A Lambda extension instead of a function.")
    var isExtension = false

    @Option(
        help: ArgumentHelp(
            "The product's and the function's name (default: the package directory's name).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The package to add to (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    func validate() throws {
        if http && isExtension {
            throw ValidationError("--http and --extension choose different templates; pass one of them")
        }
        if let name {
            do {
                _ = try ProjectNames(package: name, product: name)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    func run() async throws {
        try await Failure.report {
            let context = BuildContext.live()
            let toolchain = try await InstalledToolchain.locate(
                environment: context.environment, runner: context.runner)
            let root = FileSystem.absolute(packagePath ?? ".", relativeTo: context.currentDirectory)
            let project = InitProject(
                kind: TemplateKind(http: http, extension: isExtension), productName: name, packageRoot: root,
                swift: toolchain.swift, runner: context.runner, swiftToolsVersion: toolchain.toolsVersion)
            let report = try await project.run()
            let shown = root == context.currentDirectory ? "." : context.displayPath(root)
            for line in report.lines(displayRoot: shown, isNew: false) { context.console.result(line) }
        }
    }
}
