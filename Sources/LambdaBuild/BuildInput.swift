import BuildPlanner
import Compilers
import Foundation
public import LambdaConfig
import LambdaChecks
import LambdaSupport

/// How results are printed: for people, or one JSON object per line on
/// standard output for machines (progress stays on standard error).
public enum MessageFormat: String, Sendable, Equatable, CaseIterable {
    case human
    case json
}

/// `swift-lambda build` as invoked: the options that only the command line
/// sets, and the flags given (a flag not given is absent, so it never
/// overrides the configuration file or the environment).
public struct BuildInput: Sendable, Equatable {
    public var packagePath: String?
    public var products: [String]
    /// `--config FILE`; nil looks for `swift-lambda.toml` at the package (or workspace) root.
    public var configPath: String?
    /// `--workspace`: every package below the current directory.
    public var workspace: Bool
    public var printConfig: Bool
    public var dryRun: Bool
    public var verbose: Bool
    public var messageFormat: MessageFormat
    /// `-q`: no progress lines, as `cargo -q`; warnings, errors and results still print,
    /// and `swift build` gets `--quiet` (its errors only).
    public var quiet: Bool
    /// `-Xswiftc`, `-Xcc`, `-Xlinker`, `-Xcxx`, `--jobs`.
    public var passThrough: PassThrough
    public var flags: Layer
    /// `--affected-since REV`: only the functions whose inputs changed since that git revision.
    public var affectedSince: String?

    public init(
        packagePath: String? = nil, products: [String] = [], configPath: String? = nil, workspace: Bool = false,
        printConfig: Bool = false, dryRun: Bool = false, verbose: Bool = false, messageFormat: MessageFormat = .human,
        quiet: Bool = false, passThrough: PassThrough = PassThrough(), flags: Layer = Layer(), affectedSince: String? = nil
    ) {
        self.affectedSince = affectedSince
        self.quiet = quiet
        self.passThrough = passThrough
        self.packagePath = packagePath
        self.products = products
        self.configPath = configPath
        self.workspace = workspace
        self.printConfig = printConfig
        self.dryRun = dryRun
        self.verbose = verbose
        self.messageFormat = messageFormat
        self.flags = flags
    }
}

extension BuildSettings {
    /// The run's settings with every layer applied. Values from the file or
    /// the environment are checked here, with their origin in the error.
    public static func resolve(_ configuration: Configuration, input: BuildInput) throws -> BuildSettings {
        func string(_ setting: Setting) -> String? { configuration.value(of: setting)?.value.string }
        func bool(_ setting: Setting) -> Bool { configuration.value(of: setting)?.value.bool ?? false }
        func origin(_ setting: Setting) -> String {
            configuration.value(of: setting)?.origins.map(\.description).joined(separator: ", ") ?? "--\(setting.rawValue)"
        }
        func choice<T: RawRepresentable & CaseIterable>(_ setting: Setting, default value: T) throws -> T where T.RawValue == String {
            guard let raw = string(setting) else { return value }
            guard let parsed = T(rawValue: raw) else {
                throw ConfigError.badValue(
                    setting: setting.rawValue, origin: origin(setting), value: raw,
                    expected: T.allCases.map(\.rawValue).joined(separator: " or "))
            }
            return parsed
        }
        return BuildSettings(
            packagePath: input.packagePath, products: input.products, lambdaDirectory: string(.lambdaDir),
            flatten: try configuration.flattenedProduct()?.value.string, release: bool(.release), dryRun: input.dryRun,
            verbose: input.verbose, outputFormat: try choice(.outputFormat, default: OutputFormat.binary),
            isExtension: bool(.extension), isInternal: bool(.internal),
            includes: configuration.value(of: .include)?.value.list ?? [],
            arm64: bool(.arm64), x86_64: bool(.x86_64), targetTriple: string(.target),
            compiler: CompilerSettings(
                compiler: string(.compiler), swiftSDK: string(.swiftSDK), swiftSDKsPath: string(.swiftSDKsPath),
                containerCLI: try choice(.containerCLI, default: ContainerCLI.docker), image: string(.image),
                compilerOrigin: origin(.compiler)),
            disableOptimizations: bool(.disableOptimizations), runtime: string(.runtime) ?? "provided.al2023",
            skipChecks: bool(.skipChecks), bundleLibs: bool(.bundleLibs),
            glibcCompat: configuration.value(of: .glibcCompat)?.value.bool,
            image: ImageSettings(
                tag: string(.imageTag) ?? "latest", push: string(.push), insecureRegistry: bool(.insecureRegistry),
                caCertificates: configuration.value(of: .caCertificates)?.value.bool ?? true))
    }
}

/// The values a setting with a fixed set of choices accepts, for checking
/// every layer (`Configuration.checkValues`): a `compiler` in the file that
/// `--compiler` hides today is still a mistake, and says where it is.
/// Deploy settings are `DeployChoices`' (nil here: a build does not read them).
enum SettingChoices {
    static func expected(_ setting: Setting, _ value: SettingValue) -> String? {
        let choices: [String]
        switch setting {
        case .outputFormat: choices = OutputFormat.allCases.map(\.rawValue)
        case .containerCLI: choices = ContainerCLI.allCases.map(\.rawValue)
        case .runtime: choices = RuntimeProfile.all.map(\.name)
        case .compiler: choices = CompilerName.allCases.map(\.rawValue)
        case .target:
            // `arm64-` is accepted for `aarch64-`, so parsing decides, not the list.
            guard let raw = value.string, (try? LambdaTarget.parse(raw)) == nil else { return nil }
            return "one of " + LambdaTarget.supported.map(\.triple).joined(separator: ", ") + " (arm64 is accepted for aarch64)"
        default: return nil
        }
        guard let raw = value.string, !choices.contains(raw) else { return nil }
        return choices.joined(separator: " or ")
    }
}

extension Configuration {
    /// Deploy's check of every layer: its own settings (`DeployChoices`, in
    /// LambdaConfig) and the runtime it shares with the build. The build's
    /// other settings are the build's to check, as a build ignores deploy's.
    public func checkDeployValues() throws {
        try checkValues { setting, value in
            if setting.isDeploy { return DeployChoices.expected(setting, value) }
            return setting == .runtime ? SettingChoices.expected(setting, value) : nil
        }
    }

    /// What a `[functions.<product>]` table (or a per-function flag) changes
    /// for `product`, as planner overrides; nil when nothing differs from the run's settings.
    func overrides(for product: String) throws -> ProductOverrides? {
        guard hasFunctionTable(product) else { return nil }
        var overrides = ProductOverrides()
        let isExtension = value(of: .extension, for: product)?.value.bool ?? false
        let isInternal = value(of: .internal, for: product)?.value.bool ?? false
        if isInternal && !isExtension {
            throw ConfigError.badValue(
                setting: "internal", origin: value(of: .internal, for: product)?.origins.map(\.description).joined(separator: ", ") ?? "",
                value: "true", expected: "it only with extension = true (an internal extension is an extension)")
        }
        overrides.kind = isExtension ? .extension(internal: isInternal) : .function
        if let raw = value(of: .outputFormat, for: product)?.value.string {
            guard let format = OutputFormat(rawValue: raw) else {
                throw ConfigError.badValue(
                    setting: "output-format", origin: value(of: .outputFormat, for: product)?.origins.map(\.description).joined(separator: ", ") ?? "",
                    value: raw, expected: "binary or zip")
            }
            overrides.outputFormat = format
        }
        overrides.includes = try (value(of: .include, for: product)?.value.list ?? []).map { try IncludeSpec.parse($0) }
        return overrides
    }
}
