import BuildPlanner
import LambdaConfig

/// `--print-config`: the settings each function is built with, as TOML, and
/// after each value where it came from.
struct ConfigRenderer {
    var context: BuildContext

    /// What a setting is when no layer sets it.
    static func defaultValue(of setting: Setting) -> String {
        switch setting.type {
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
            default: return "not set"
            }
        }
    }

    /// What `--print-config` shows: the `[build]` settings of the run, then
    /// each function's own, resolved in the configuration of its member.
    struct Section {
        var table: String
        var settings: [(setting: Setting, resolved: Configuration.Resolved?)]
    }

    /// `memberOf` maps each product to its member's root, so a member's own file applies to it.
    func sections(_ configuration: Configuration, products: [String], memberOf: [String: String]) -> [Section] {
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
        var lines = [
            "# Resolved settings; layers, lowest first: SWIFT_LAMBDA_* variables, \(ConfigFile.defaultName) [build], [functions.<product>], a workspace member's own \(ConfigFile.defaultName), flags."
        ]
        if let file = configuration.file { lines.append("# Configuration file: \(context.displayPath(file.path))") }
        for root in configuration.members.keys.sorted() {
            if let file = configuration.members[root] { lines.append("# Member configuration file: \(context.displayPath(file.path))") }
        }
        for (index, section) in sections(configuration, products: products, memberOf: memberOf).enumerated() {
            if index > 0 { lines.append("") }
            lines.append("[\(section.table)]")
            lines += section.settings.map { line($0.setting, $0.resolved) }
        }
        return lines
    }

    /// `--print-config --message-format json`: one object, each table's settings with their value and origins
    /// (or, when no layer sets one, `default`: what applies instead).
    func json(_ configuration: Configuration, products: [String], memberOf: [String: String] = [:]) -> String {
        let tables = sections(configuration, products: products, memberOf: memberOf).map { section in
            JSONMessages.ConfigTable(
                table: section.table,
                settings: Dictionary(uniqueKeysWithValues: section.settings.map { setting, resolved in
                    (setting.rawValue, JSONMessages.ConfigValue(
                        value: resolved.map { JSONMessages.Value($0.value) }, origins: resolved.map { $0.origins.map(describe) },
                        default: resolved == nil ? Self.defaultValue(of: setting) : nil))
                }))
        }
        let files = [configuration.file].compactMap { $0 } + configuration.members.keys.sorted().compactMap { configuration.members[$0] }
        return JSONMessages.encode(JSONMessages.Config(files: files.map { context.displayPath($0.path) }, tables: tables))
    }

    private func describe(_ origin: Origin) -> String {
        if case .file(let path, let table, let line) = origin.source {
            return "\(context.displayPath(path))\(line.map { ":\($0)" } ?? "") [\(table)]"
        }
        return origin.description
    }

    private func line(_ setting: Setting, _ resolved: Configuration.Resolved?) -> String {
        guard let resolved else { return "# \(setting.rawValue) = \(Self.defaultValue(of: setting))  (default)" }
        return "\(setting.rawValue) = \(resolved.value)  # from \(resolved.origins.map(describe).joined(separator: ", "))"
    }
}
