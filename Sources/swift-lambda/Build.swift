public import ArgumentParser
import BuildPlanner
import Compilers
import LambdaBuild
import LambdaChecks
import LambdaConfig
import LambdaSupport
import Foundation

extension OutputFormat: ExpressibleByArgument {}
extension ContainerCLI: ExpressibleByArgument {}
extension MessageFormat: ExpressibleByArgument {}
extension BuildConfiguration: ExpressibleByArgument {}

struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build every executable product into a Lambda bootstrap.",
        usage: """
            swift-lambda build [<output and layout options>] [<target and compiler options>]
                                 [<checks and compatibility options>] [<configuration options>] [<output for machines options>]
            """,
        discussion: """
            Each executable product becomes <lambda-dir>/<product>/bootstrap, with the \
            resource bundles of its own targets beside it (and bootstrap.zip with \
            --output-format zip). With --extension, products become Lambda extensions: \
            <lambda-dir>/extensions/<product>, zipped as a layer. Only the products built \
            in this run are written; every file is staged and renamed into place.
            """
    )

    @OptionGroup(title: "Output and layout") var layout: LayoutOptions
    @OptionGroup(title: "Target and compiler") var compilation: CompilationOptions
    @OptionGroup(title: "Checks and compatibility") var checks: CheckOptions
    @OptionGroup(title: "Images (--output-format image)") var images: ImageOptions
    @OptionGroup(title: "Configuration") var settings: ConfigurationOptions
    @OptionGroup(title: "Output for machines") var machines: MachineOptions
    @OptionGroup var colour: ColourOptions

    @Flag(name: .shortAndLong, help: "Print every command as it runs (default: off).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "No progress lines, and swift build --quiet; warnings, errors and the summary still print (default: off).")
    var quiet = false

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
        if let configuration = compilation.configuration {
            layer.set(.release, .bool(configuration == .release), from: Origin(.flag("--configuration \(configuration.rawValue)"), baseDirectory: here))
        }
        set(.release, compilation.release.map(SettingValue.bool))
        set(.outputFormat, layout.outputFormat.map { .string($0.rawValue) })
        set(.extension, layout.isExtension.map(SettingValue.bool))
        set(.internal, layout.isInternal.map(SettingValue.bool))
        set(.include, layout.includes.isEmpty ? nil : .list(layout.includes))
        set(.arm64, compilation.arm64 ? .bool(true) : nil)
        set(.x86_64, compilation.x86_64 ? .bool(true) : nil)
        set(.target, compilation.targetTriple.map(SettingValue.string))
        set(.compiler, compilation.compiler.map(SettingValue.string))
        set(.swiftSDK, compilation.swiftSDK.map(SettingValue.string))
        set(.swiftSDKsPath, compilation.swiftSDKsPath.map(SettingValue.string))
        set(.containerCLI, compilation.containerCLI.map { .string($0.rawValue) })
        set(.image, compilation.image.map(SettingValue.string))
        set(.lambdaDir, layout.lambdaDir.map(SettingValue.string))
        set(.flatten, layout.flatten.map(SettingValue.string))
        set(.disableOptimizations, compilation.disableOptimizations.map(SettingValue.bool))
        set(.runtime, checks.runtime.map(SettingValue.string))
        set(.skipChecks, checks.skipChecks.map(SettingValue.bool))
        set(.bundleLibs, checks.bundleLibs.map(SettingValue.bool))
        set(.glibcCompat, checks.glibcCompat.map(SettingValue.bool))
        images.registry.set(into: &layer)
        set(.caCertificates, images.caCertificates.map(SettingValue.bool))
        return layer
    }

    func validate() throws {
        // Flags given are usage errors (exit 64); values from the configuration are checked by the workflow.
        do {
            _ = try LambdaTarget.resolve(
                arm64: compilation.arm64, x86_64: compilation.x86_64, triple: compilation.targetTriple, host: .current)
        } catch {
            throw ValidationError("\(error)")
        }
        if verbose && quiet {
            throw ValidationError("--verbose and --quiet contradict each other; pass one of them")
        }
        try AffectedSince.validate(settings.affectedSince)
        do {
            _ = try ConfigurationFlag.release(release: compilation.release, configuration: compilation.configuration)
        } catch {
            throw ValidationError("\(error)")
        }
        if let jobs = compilation.passThrough.jobs, jobs < 1 {
            throw ValidationError("--jobs \(jobs) is not a number of jobs; give 1 or more")
        }
        if let compiler = compilation.compiler, CompilerName(rawValue: compiler) == nil {
            throw ValidationError("\(CompilerError.unknownCompiler(compiler, source: "--compiler"))")
        }
        if let runtime = checks.runtime {
            do {
                _ = try RuntimeProfile.named(runtime)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if layout.isInternal == true && layout.isExtension != true {
            throw ValidationError("--internal describes an extension; add --extension or drop --internal")
        }
        for name in layout.products + [layout.flatten].compactMap({ $0 }) where name.isEmpty || name.hasPrefix("-") {
            throw ValidationError("'\(name)' is not a product name; pass the name of an executable product")
        }
    }

    func run() async throws {
        let input = BuildInput(
            packagePath: layout.packagePath, products: layout.products, configPath: settings.config, workspace: settings.workspace,
            printConfig: settings.printConfig, dryRun: settings.dryRun, verbose: verbose, messageFormat: machines.messageFormat,
            quiet: quiet, passThrough: compilation.passThrough, flags: flagLayer, affectedSince: settings.affectedSince)
        try await Failure.report(colour: colour.mode) {
            // Ctrl-C and SIGTERM stop the children and remove this run's staging (exit 130, 143).
            _ = try await SignalCleanup.run { try await BuildWorkflow(input: input, context: .live(colour: colour.mode)).run() }
        }
    }
}

// The options of `build`, one group per section of its help. An inverted flag
// is exclusive: `--release --no-release` is refused rather than won by the last.

struct LayoutOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The package to build (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Option(
        name: [.customLong("product"), .customLong("bin")],
        help: ArgumentHelp("Build only this executable product (repeatable; --bin is an alias; default: every one).", valueName: "name"))
    var products: [String] = []

    @Option(help: ArgumentHelp("Where artifacts go (default: target/lambda in the package or workspace).", valueName: "dir"))
    var lambdaDir: String?

    @Option(help: ArgumentHelp("Put this product's bootstrap directly in the lambda directory (default: none).", valueName: "name"))
    var flatten: String?

    @Option(
        help: ArgumentHelp(
            "binary (a deployable directory), zip (also a deterministic zip) or image (also image.tar, an OCI image of the function and the system files it needs) (default: binary).",
            valueName: "format"))
    var outputFormat: OutputFormat?

    @Flag(
        name: .customLong("extension"), inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Build Lambda extensions instead of functions (default: off).")
    var isExtension: Bool?

    @Flag(
        name: .customLong("internal"), inversion: .prefixedNo, exclusivity: .exclusive,
        help: "With --extension: an internal extension (the zip holds it at its root) (default: off).")
    var isInternal: Bool?

    @Option(
        name: .customLong("include"),
        help: ArgumentHelp(
            "Ship a file or directory with every artifact, at DEST (default: PATH's last component); repeatable.",
            valueName: "[dest:]path"))
    var includes: [String] = []
}

struct CompilationOptions: ParsableArguments {
    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Build with -c release --static-swift-stdlib and strip the bootstrap (default: off, a debug build).")
    var release: Bool?

    @Option(
        name: [.customShort("c"), .long],
        help: ArgumentHelp("debug or release, as SwiftPM spells it: --no-release or --release (default: debug).", valueName: "configuration"))
    var configuration: BuildConfiguration?

    @Option(
        name: .customLong("Xswiftc", withSingleDash: true), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("Pass a flag to swiftc through swift build; repeatable (default: none).", valueName: "flag"))
    var swiftcFlags: [String] = []

    @Option(
        name: .customLong("Xcc", withSingleDash: true), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("Pass a flag to the C compiler through swift build; repeatable (default: none).", valueName: "flag"))
    var ccFlags: [String] = []

    @Option(
        name: .customLong("Xlinker", withSingleDash: true), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("Pass a flag to the linker through swift build; repeatable (default: none).", valueName: "flag"))
    var linkerFlags: [String] = []

    @Option(
        name: .customLong("Xcxx", withSingleDash: true), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("Pass a flag to the C++ compiler through swift build; repeatable (default: none).", valueName: "flag"))
    var cxxFlags: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The number of jobs swift build runs in parallel (default: SwiftPM's, one per core).", valueName: "n"))
    var jobs: Int?

    var passThrough: PassThrough {
        PassThrough(swiftc: swiftcFlags, cc: ccFlags, linker: linkerFlags, cxx: cxxFlags, jobs: jobs)
    }

    @Flag(name: .customLong("arm64"), help: "Build for Graviton (aarch64-unknown-linux-gnu) (default: the host's architecture).")
    var arm64 = false

    @Flag(name: .customLong("x86-64"), help: "Build for x86_64 (x86_64-unknown-linux-gnu) (default: the host's architecture).")
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
        help: ArgumentHelp("Where Swift SDKs are installed (default: SwiftPM's).", valueName: "dir"))
    var swiftSDKsPath: String?

    @Option(help: ArgumentHelp("The container program for --compiler docker: docker, podman or container (default: docker).", valueName: "cli"))
    var containerCLI: ContainerCLI?

    @Option(help: ArgumentHelp("The image for --compiler docker (default: swift:<toolchain version>-amazonlinux2023).", valueName: "image"))
    var image: String?

    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Keep the release bootstrap's symbols (for debugging); the Swift runtime stays static, as Lambda needs (default: off).")
    var disableOptimizations: Bool?
}

struct ImageOptions: ParsableArguments {
    @OptionGroup var registry: PushOptions

    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Put this host's CA bundle (/etc/ssl/certs/ca-certificates.crt) in the image, for TLS from the function (default: on).")
    var caCertificates: Bool?
}

struct CheckOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The runtime artifacts are checked against: provided.al2023 or provided.al2 (default: provided.al2023).", valueName: "runtime"))
    var runtime: String?

    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Write artifacts that fail the Lambda-readiness checks, reporting the failures as warnings (default: off).")
    var skipChecks: Bool?

    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Ship the shared libraries the runtime lacks (resolved as the loader would on this host) in the artifact's lib/ (default: off).")
    var bundleLibs: Bool?

    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Bind glibc and libstdc++ symbols to versions the runtime has, so host builds start there (default: on for glibc builds when this machine's libraries are newer than the runtime's).")
    var glibcCompat: Bool?
}

struct ConfigurationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The configuration file (default: swift-lambda.toml at the package or workspace root).", valueName: "file"))
    var config: String?

    @Flag(help: "Build every package below the current directory (or --package-path) into one lambda directory (default: off).")
    var workspace = false

    @Flag(help: "Print the resolved settings of every function and where each came from, without building (default: off).")
    var printConfig = false

    @Flag(help: "Print the plan (commands and destinations) without building (default: off).")
    var dryRun = false

    @Option(help: ArgumentHelp("Build only the functions a change since this git revision affects (uncommitted changes count; see list; default: every function).", valueName: "rev"))
    var affectedSince: String?
}

struct MachineOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "human, or json: one JSON object per line on standard output (the artifacts and a summary, the plan with --dry-run, the settings with --print-config).",
            valueName: "format"))
    var messageFormat: MessageFormat = .human
}
