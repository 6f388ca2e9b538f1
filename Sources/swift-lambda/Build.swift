public import ArgumentParser
import BuildPlanner
import LambdaBuild

extension OutputFormat: ExpressibleByArgument {}

struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build every executable product into a Lambda bootstrap.",
        discussion: """
            Each executable product becomes <lambda-dir>/<product>/bootstrap, with the \
            resource bundles of its own targets beside it (and bootstrap.zip with \
            --output-format zip). With --extension, products become Lambda extensions: \
            <lambda-dir>/extensions/<product>, zipped as a layer. Only the products built \
            in this run are written; every file is staged and renamed into place.
            """
    )

    @Flag(help: "Build with -c release --static-swift-stdlib and strip the bootstrap.")
    var release = false

    @Option(help: ArgumentHelp("The package to build (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Option(
        name: [.customLong("product"), .customLong("bin")],
        help: ArgumentHelp("Build only this executable product (repeatable; --bin is an alias).", valueName: "name"))
    var products: [String] = []

    @Option(help: ArgumentHelp("Where artifacts go (default: target/lambda in the package).", valueName: "dir"))
    var lambdaDir: String?

    @Option(help: ArgumentHelp("Put this product's bootstrap directly in the lambda directory.", valueName: "name"))
    var flatten: String?

    @Option(help: ArgumentHelp("binary (a deployable directory) or zip (also a deterministic zip).", valueName: "format"))
    var outputFormat: OutputFormat = .binary

    @Flag(name: .customLong("extension"), help: "Build Lambda extensions instead of functions.")
    var isExtension = false

    @Flag(name: .customLong("internal"), help: "With --extension: an internal extension (the zip holds it at its root).")
    var isInternal = false

    @Option(
        name: .customLong("include"),
        help: ArgumentHelp(
            "Ship a file or directory with every artifact, at DEST (default: PATH's last component); repeatable.",
            valueName: "[dest:]path"))
    var includes: [String] = []

    @Flag(help: "Print the plan (commands and destinations) without building.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "Print every command as it runs.")
    var verbose = false

    func validate() throws {
        if isInternal && !isExtension {
            throw ValidationError("--internal describes an extension; add --extension or drop --internal")
        }
        for name in products + [flatten].compactMap({ $0 }) where name.isEmpty || name.hasPrefix("-") {
            throw ValidationError("'\(name)' is not a product name; pass the name of an executable product")
        }
    }

    func run() async throws {
        let settings = BuildSettings(
            packagePath: packagePath, products: products, lambdaDirectory: lambdaDir,
            flatten: flatten, release: release, dryRun: dryRun, verbose: verbose,
            outputFormat: outputFormat, isExtension: isExtension, isInternal: isInternal, includes: includes)
        try await Failure.report {
            try await BuildWorkflow(settings: settings, context: .live()).run()
        }
    }
}
