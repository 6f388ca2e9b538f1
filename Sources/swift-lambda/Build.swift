public import ArgumentParser
import BuildPlanner
import Compilers
import LambdaBuild
import LambdaChecks
import LambdaConfig
import Foundation

extension OutputFormat: ExpressibleByArgument {}
extension ContainerCLI: ExpressibleByArgument {}
extension MessageFormat: ExpressibleByArgument {}

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

    @Flag(inversion: .prefixedNo, help: "Build with -c release --static-swift-stdlib and strip the bootstrap.")
    var release: Bool?

    @Option(help: ArgumentHelp("The package to build (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Option(
        name: [.customLong("product"), .customLong("bin")],
        help: ArgumentHelp("Build only this executable product (repeatable; --bin is an alias).", valueName: "name"))
    var products: [String] = []

    @Option(help: ArgumentHelp("Where artifacts go (default: target/lambda in the package or workspace).", valueName: "dir"))
    var lambdaDir: String?

    @Option(help: ArgumentHelp("Put this product's bootstrap directly in the lambda directory.", valueName: "name"))
    var flatten: String?

    @Option(help: ArgumentHelp("binary (a deployable directory) or zip (also a deterministic zip).", valueName: "format"))
    var outputFormat: OutputFormat?

    @Flag(name: .customLong("extension"), inversion: .prefixedNo, help: "Build Lambda extensions instead of functions.")
    var isExtension: Bool?

    @Flag(name: .customLong("internal"), inversion: .prefixedNo, help: "With --extension: an internal extension (the zip holds it at its root).")
    var isInternal: Bool?

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
    var containerCLI: ContainerCLI?

    @Option(help: ArgumentHelp("The image for --compiler docker (default: swift:<toolchain version>-amazonlinux2023).", valueName: "image"))
    var image: String?

    @Flag(inversion: .prefixedNo, help: "Keep the release bootstrap's symbols (for debugging); the Swift runtime stays static, as Lambda needs.")
    var disableOptimizations: Bool?

    @Option(help: ArgumentHelp("The runtime artifacts are checked against: provided.al2023 or provided.al2.", valueName: "runtime"))
    var runtime: String?

    @Flag(inversion: .prefixedNo, help: "Write artifacts that fail the Lambda-readiness checks, reporting the failures as warnings.")
    var skipChecks: Bool?

    @Flag(inversion: .prefixedNo, help: "Ship the shared libraries the runtime lacks (resolved as the loader would on this host) in the artifact's lib/.")
    var bundleLibs: Bool?

    @Flag(
        inversion: .prefixedNo,
        help: "Bind glibc and libstdc++ symbols to versions the runtime has, so host builds start there (default: on for glibc builds when this machine's libraries are newer than the runtime's).")
    var glibcCompat: Bool?

    @Option(help: ArgumentHelp("The configuration file (default: swift-lambda.toml at the package or workspace root).", valueName: "file"))
    var config: String?

    @Flag(help: "Build every package below the current directory (or --package-path) into one lambda directory.")
    var workspace = false

    @Flag(help: "Print the resolved settings of every function and where each came from, without building.")
    var printConfig = false

    @Option(help: ArgumentHelp("human, or json: one JSON object per artifact and a summary on standard output.", valueName: "format"))
    var messageFormat: MessageFormat = .human

    @Flag(help: "Print the plan (commands and destinations) without building.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "Print every command as it runs.")
    var verbose = false

    /// The flags given, as the top layer of the settings.
    var flagLayer: Layer {
        var layer = Layer()
        let here = FileManager.default.currentDirectoryPath
        func set(_ setting: Setting, _ value: SettingValue?) {
            guard let value else { return }
            // An inverted flag given as --no-NAME says so in --print-config.
            let flag = value == .bool(false) ? "--no-\(setting.rawValue)" : "--\(setting.rawValue)"
            layer.set(setting, value, from: Origin(.flag(flag), baseDirectory: here))
        }
        set(.release, release.map(SettingValue.bool))
        set(.outputFormat, outputFormat.map { .string($0.rawValue) })
        set(.extension, isExtension.map(SettingValue.bool))
        set(.internal, isInternal.map(SettingValue.bool))
        set(.include, includes.isEmpty ? nil : .list(includes))
        set(.arm64, arm64 ? .bool(true) : nil)
        set(.x86_64, x86_64 ? .bool(true) : nil)
        set(.target, targetTriple.map(SettingValue.string))
        set(.compiler, compiler.map(SettingValue.string))
        set(.swiftSDK, swiftSDK.map(SettingValue.string))
        set(.swiftSDKsPath, swiftSDKsPath.map(SettingValue.string))
        set(.containerCLI, containerCLI.map { .string($0.rawValue) })
        set(.image, image.map(SettingValue.string))
        set(.lambdaDir, lambdaDir.map(SettingValue.string))
        set(.flatten, flatten.map(SettingValue.string))
        set(.disableOptimizations, disableOptimizations.map(SettingValue.bool))
        set(.runtime, runtime.map(SettingValue.string))
        set(.skipChecks, skipChecks.map(SettingValue.bool))
        set(.bundleLibs, bundleLibs.map(SettingValue.bool))
        set(.glibcCompat, glibcCompat.map(SettingValue.bool))
        return layer
    }

    func validate() throws {
        // Flags given are usage errors (exit 64); values from the configuration are checked by the workflow.
        do {
            _ = try LambdaTarget.resolve(arm64: arm64, x86_64: x86_64, triple: targetTriple, host: .current)
        } catch {
            throw ValidationError("\(error)")
        }
        if let runtime {
            do {
                _ = try RuntimeProfile.named(runtime)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if let compiler {
            do {
                _ = try CompilerName.parse(compiler, source: "--compiler")
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if isInternal == true && isExtension != true {
            throw ValidationError("--internal describes an extension; add --extension or drop --internal")
        }
        for name in products + [flatten].compactMap({ $0 }) where name.isEmpty || name.hasPrefix("-") {
            throw ValidationError("'\(name)' is not a product name; pass the name of an executable product")
        }
    }

    func run() async throws {
        let input = BuildInput(
            packagePath: packagePath, products: products, configPath: config, workspace: workspace,
            printConfig: printConfig, dryRun: dryRun, verbose: verbose, messageFormat: messageFormat, flags: flagLayer)
        try await Failure.report {
            try await BuildWorkflow(input: input, context: .live()).run()
        }
    }
}
