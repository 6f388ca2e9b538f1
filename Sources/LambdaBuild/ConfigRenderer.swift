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

    func render(_ configuration: Configuration, products: [String], settings: BuildSettings) -> [String] {
        var lines = [
            "# Resolved settings; layers, lowest first: SWIFT_LAMBDA_* variables, \(ConfigFile.defaultName) [build], [functions.<product>], flags."
        ]
        if let file = configuration.file { lines.append("# Configuration file: \(context.displayPath(file.path))") }
        lines.append("[build]")
        for setting in Setting.allCases where !Setting.perFunction.contains(setting) || setting == .flatten {
            let resolved = setting == .flatten ? (try? configuration.flattenedProduct()) ?? nil : configuration.value(of: setting)
            lines.append(line(setting, resolved))
        }
        for product in products.sorted() {
            lines.append("")
            lines.append("[functions.\(product)]")
            for setting in Setting.perFunction where setting != .flatten {
                lines.append(line(setting, configuration.value(of: setting, for: product)))
            }
        }
        return lines
    }

    private func line(_ setting: Setting, _ resolved: Configuration.Resolved?) -> String {
        guard let resolved else { return "# \(setting.rawValue) = \(Self.defaultValue(of: setting))  (default)" }
        let origins = resolved.origins.map { origin -> String in
            if case .file(let path, let table, let line) = origin.source {
                return "\(context.displayPath(path))\(line.map { ":\($0)" } ?? "") [\(table)]"
            }
            return origin.description
        }
        return "\(setting.rawValue) = \(resolved.value)  # from \(origins.joined(separator: ", "))"
    }
}
