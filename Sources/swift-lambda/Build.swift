public import ArgumentParser
import BuildPlanner
import Compilers
import LambdaBuild
import LambdaChecks

extension OutputFormat: ExpressibleByArgument {}
extension ContainerCLI: ExpressibleByArgument {}

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

    @Flag(name: .customLong("arm64"), help: "Build for Graviton (aarch64-unknown-linux-gnu).")
    var arm64 = false

    @Flag(name: .customLong("x86-64"), help: "Build for x86_64 (x86_64-unknown-linux-gnu).")
    var x86_64 = false

    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu, x86_64-swift-linux-musl or aarch64-swift-linux-musl (default: the host's architecture).",
            valueName: "triple"))
    var targetTriple: String?

    @Option(help: ArgumentHelp("swiftpm, swift-sdk or docker (default: SWIFT_LAMBDA_COMPILER, else chosen for the target).", valueName: "name"))
    var compiler: String?

    @Option(
        name: .customLong("swift-sdk"),
        help: ArgumentHelp("The Swift SDK to build with (default: the one for the target's triple).", valueName: "id"))
    var swiftSDK: String?

    @Option(
        name: .customLong("swift-sdks-path"),
        help: ArgumentHelp("Where Swift SDKs are installed, when not SwiftPM's default.", valueName: "dir"))
    var swiftSDKsPath: String?

    @Option(help: ArgumentHelp("The container program for --compiler docker: docker, podman or container.", valueName: "cli"))
    var containerCLI: ContainerCLI = .docker

    @Option(help: ArgumentHelp("The image for --compiler docker (default: swift:<toolchain version>-amazonlinux2023).", valueName: "image"))
    var image: String?

    @Flag(help: "Keep the release bootstrap's symbols (for debugging); the Swift runtime stays static, as Lambda needs.")
    var disableOptimizations = false

    @Option(help: ArgumentHelp("The runtime artifacts are checked against: provided.al2023 or provided.al2.", valueName: "runtime"))
    var runtime = "provided.al2023"

    @Flag(help: "Write artifacts that fail the Lambda-readiness checks, reporting the failures as warnings.")
    var skipChecks = false

    @Flag(
        inversion: .prefixedNo,
        help: "Bind glibc and libstdc++ symbols to versions the runtime has, so host builds start there (default: on for glibc builds when this machine's libraries are newer than the runtime's).")
    var glibcCompat: Bool?

    @Flag(help: "Print the plan (commands and destinations) without building.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "Print every command as it runs.")
    var verbose = false

    func validate() throws {
        // Target flags are usage errors (exit 64): resolved once here, again by the workflow.
        do {
            _ = try LambdaTarget.resolve(arm64: arm64, x86_64: x86_64, triple: targetTriple, host: .current)
        } catch {
            throw ValidationError("\(error)")
        }
        do {
            _ = try RuntimeProfile.named(runtime)
        } catch {
            throw ValidationError("\(error)")
        }
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
            outputFormat: outputFormat, isExtension: isExtension, isInternal: isInternal, includes: includes,
            arm64: arm64, x86_64: x86_64, targetTriple: targetTriple,
            compiler: CompilerSettings(
                compiler: compiler, swiftSDK: swiftSDK, swiftSDKsPath: swiftSDKsPath, containerCLI: containerCLI,
                image: image),
            disableOptimizations: disableOptimizations, runtime: runtime, skipChecks: skipChecks,
            glibcCompat: glibcCompat)
        try await Failure.report {
            try await BuildWorkflow(settings: settings, context: .live()).run()
        }
    }
}
