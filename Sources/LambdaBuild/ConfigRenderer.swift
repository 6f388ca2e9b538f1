import BuildPlanner
public import LambdaConfig

/// `--print-config`: the settings each function is built (or deployed) with,
/// as TOML, and after each value where it came from. Public for the deploy
/// workflow, which prints its settings the same way (`renderDeploy`, `deployJSON`).
public struct ConfigRenderer: Sendable {
    /// Paths inside it are shown relative to it.
    public var currentDirectory: String

    public init(currentDirectory: String) {
        self.currentDirectory = currentDirectory
    }

    init(context: BuildContext) {
        self.init(currentDirectory: context.currentDirectory)
    }

    /// What a setting is when no layer sets it.
    static func defaultValue(of setting: Setting) -> String {
        switch setting {
        case .memory: return "\(DeployChoices.memory.lowerBound)"
        case .timeout: return "3"
        case .functionURLAuth: return "\"none\" (with function-url)"
        case .iamRole: return "the swift-lambda-execution role, created when missing"
        case .region: return "AWS_REGION, AWS_DEFAULT_REGION or the profile's"
        case .profile: return "AWS_PROFILE, else \"default\""
        case .endpointURL: return "AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else AWS's"
        case .s3Bucket: return "swift-lambda-<account>-<region> for zips over 50 MB, created when missing"
        default: break
        }
        switch setting.type {
        case .bool where setting == .caCertificates: return "true"
        case .bool: return setting == .glibcCompat ? "(chosen for the target)" : "false"
        case .list: return "[]"
        case .table: return "{}"
        case .integer: return "not set"
        case .string:
            switch setting {
            case .outputFormat: return "\"binary\""
            case .runtime: return "\"provided.al2023\""
            case .containerCLI: return "\"docker\""
            case .lambdaDir: return "\"target/lambda\" under the package or workspace"
            case .target: return "the host's architecture"
            case .compiler: return "SWIFT_LAMBDA_COMPILER, else chosen for the target"
            case .imageTag: return "\"latest\""
            default: return "not set"
            }
        }
    }

    /// What `--print-config` shows: the `[build]` (or `[deploy]`) settings of
    /// the run, then each function's own, resolved in the configuration of its member.
    struct Section {
        var table: String
        var settings: [(setting: Setting, resolved: Configuration.Resolved?)]
    }

    /// The command whose settings are shown.
    enum Command { case build, deploy }

    /// `memberOf` maps each product to its member's root, so a member's own file applies to it.
    func sections(_ configuration: Configuration, products: [String], memberOf: [String: String], command: Command = .build) -> [Section] {
        if command == .deploy {
            // The runtime is the build's, read from [build]: the one the artifact was checked against.
            let runWide = Setting.deployRunWide + [.runtime]
            return [Section(table: "deploy", settings: runWide.map { ($0, configuration.value(of: $0)) })]
                + products.sorted().map { product in
                    let scoped = memberOf[product].map(configuration.scoped(toMember:)) ?? configuration
                    return Section(
                        table: "functions.\(product)", settings: Setting.deployPerFunction.map { ($0, scoped.value(of: $0, for: product)) })
                }
        }
        var sections = [
            Section(
                table: "build",
                settings: Setting.build.filter { !Setting.perFunction.contains($0) || $0 == .flatten }.map { setting in
                    (setting, setting == .flatten ? (try? configuration.flattenedProduct()) ?? nil : configuration.value(of: setting))
                })
        ]
        for product in products.sorted() {
            let root = memberOf[product]
            let scoped = root.map(configuration.scoped(toMember:)) ?? configuration
            // A member with a file of its own may build with other settings than the run's [build].
            let settings = scoped.memberFile == nil
                ? Setting.perFunction.filter { $0 != .flatten } : Configuration.perMember
            sections.append(Section(
                table: "functions.\(product)", settings: settings.map { ($0, scoped.value(of: $0, for: product)) }))
        }
        return sections
    }

    func render(_ configuration: Configuration, products: [String], memberOf: [String: String] = [:]) -> [String] {
        render(
            configuration, products: products, memberOf: memberOf, command: .build,
            header: "# Resolved settings; layers, lowest first: SWIFT_LAMBDA_* variables, \(ConfigFile.defaultName) [build], [functions.<product>], a workspace member's own \(ConfigFile.defaultName), flags.")
    }

    /// Deploy's `--print-config`: `[deploy]` (the run's connection, bucket and
    /// runtime), then `[functions.<product>]` for each of `products`, each value
    /// with its origins, or the default that applies when no layer sets it.
    /// `memberOf` maps a product to its workspace member's root, so that member's own file applies.
    public func renderDeploy(_ configuration: Configuration, products: [String], memberOf: [String: String] = [:]) -> [String] {
        render(
            configuration, products: products, memberOf: memberOf, command: .deploy,
            header: "# Resolved deploy settings; layers, lowest first: SWIFT_LAMBDA_* variables, \(ConfigFile.defaultName) [deploy] ([build] for runtime), [functions.<product>], a workspace member's own \(ConfigFile.defaultName), flags.")
    }

    private func render(
        _ configuration: Configuration, products: [String], memberOf: [String: String], command: Command, header: String
    ) -> [String] {
        var lines = [header]
        if let file = configuration.file { lines.append("# Configuration file: \(displayPath(file.path))") }
        for root in configuration.members.keys.sorted() {
            if let file = configuration.members[root] { lines.append("# Member configuration file: \(displayPath(file.path))") }
        }
        for (index, section) in sections(configuration, products: products, memberOf: memberOf, command: command).enumerated() {
            if index > 0 { lines.append("") }
            lines.append("[\(section.table)]")
            lines += section.settings.map { line($0.setting, $0.resolved) }
        }
        return lines
    }

    /// `--print-config --message-format json`: one object, each table's settings with their value and origins
    /// (or, when no layer sets one, `default`: what applies instead).
    func json(_ configuration: Configuration, products: [String], memberOf: [String: String] = [:]) -> String {
        json(configuration, products: products, memberOf: memberOf, command: .build)
    }

    /// `renderDeploy` as one JSON object, the shape of build's `--print-config --message-format json`.
    public func deployJSON(_ configuration: Configuration, products: [String], memberOf: [String: String] = [:]) -> String {
        json(configuration, products: products, memberOf: memberOf, command: .deploy)
    }

    private func json(_ configuration: Configuration, products: [String], memberOf: [String: String], command: Command) -> String {
        let tables = sections(configuration, products: products, memberOf: memberOf, command: command).map { section in
            JSONMessages.ConfigTable(
                table: section.table,
                settings: Dictionary(uniqueKeysWithValues: section.settings.map { setting, resolved in
                    (setting.rawValue, JSONMessages.ConfigValue(
                        value: resolved.map { JSONMessages.Value($0.value) }, origins: resolved.map { $0.origins.map(describe) },
                        default: resolved == nil ? Self.defaultValue(of: setting) : nil))
                }))
        }
        let files = [configuration.file].compactMap { $0 } + configuration.members.keys.sorted().compactMap { configuration.members[$0] }
        return JSONMessages.encode(JSONMessages.Config(files: files.map { displayPath($0.path) }, tables: tables))
    }

    private func displayPath(_ path: String) -> String { BuildContext.displayPath(path, currentDirectory: currentDirectory) }

    private func describe(_ origin: Origin) -> String {
        if case .file(let path, let table, let line) = origin.source {
            return "\(displayPath(path))\(line.map { ":\($0)" } ?? "") [\(table)]"
        }
        return origin.description
    }

    private func line(_ setting: Setting, _ resolved: Configuration.Resolved?) -> String {
        guard let resolved else { return "# \(setting.rawValue) = \(Self.defaultValue(of: setting))  (default)" }
        return "\(setting.rawValue) = \(resolved.value)  # from \(resolved.origins.map(describe).joined(separator: ", "))"
    }
}
