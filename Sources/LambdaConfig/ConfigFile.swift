import Foundation
import LambdaSupport
import TOMLKit

/// `swift-lambda.toml`: a `[build]` table of build options, a `[deploy]`
/// table of deploy options, one `[functions.<product>]` table per function
/// that differs (build and deploy keys both), and
/// `[workspace] members` for a repository of several packages. Every key is
/// checked: an unknown key or a wrong type is an error naming the file, the
/// key and its line, because a setting that is silently ignored is a
/// deployment that silently differs.
public struct ConfigFile: Sendable, Equatable {
    public static let defaultName = "swift-lambda.toml"

    public var path: String
    public var build: Layer
    /// `[deploy]`: the deploy settings of the run and of every function.
    public var deploy: Layer
    /// By product name.
    public var functions: [String: Layer]
    /// `[workspace] members`: globs relative to the file's directory; nil without a `[workspace]` table.
    public var workspaceMembers: [String]?
    /// The line of each function's table header, for errors about the product.
    public var functionLines: [String: Int]

    public var directory: String { (path as NSString).deletingLastPathComponent }

    /// Reads and checks the file at `path`.
    public static func load(_ path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError.unreadable(path: path) }
        return try ConfigFile(text: String(decoding: data, as: UTF8.self), path: path)
    }

    public init(text: String, path: String) throws {
        self.path = path
        let locator = KeyLocator(text: text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError.syntax(path: path, line: error.source.begin.line, column: error.source.begin.column, message: error.description)
        }
        let directory = (path as NSString).deletingLastPathComponent
        build = Layer()
        deploy = Layer()
        functions = [:]
        functionLines = [:]
        workspaceMembers = nil

        for key in table.keys.sorted() {
            let value = table[key]
            switch key {
            case "build":
                guard let build = value?.table else { throw wrongType("build", expected: "a table", locator) }
                self.build = try Self.layer(build, table: "build", allowed: Setting.build, path: path, directory: directory, locator: locator)
            case "deploy":
                guard let deploy = value?.table else { throw wrongType("deploy", expected: "a table", locator) }
                self.deploy = try Self.layer(deploy, table: "deploy", allowed: Setting.deploy, path: path, directory: directory, locator: locator)
            case "functions":
                guard let functions = value?.table else { throw wrongType("functions", expected: "a table", locator) }
                for product in functions.keys.sorted() {
                    let name = "functions.\(product)"
                    guard let settings = functions[product]?.table else { throw wrongType(name, expected: "a table", locator) }
                    self.functions[product] = try Self.layer(
                        settings, table: name, allowed: Setting.functionTable, path: path, directory: directory, locator: locator)
                    functionLines[product] = locator.line(ofTable: name)
                }
            case "workspace":
                guard let workspace = value?.table else { throw wrongType("workspace", expected: "a table", locator) }
                for workspaceKey in workspace.keys.sorted() where workspaceKey != "members" {
                    throw ConfigError.unknownKey(
                        path: path, key: "workspace.\(workspaceKey)", line: locator.line(of: workspaceKey, inTable: "workspace"),
                        known: ["members"])
                }
                guard let members = workspace["members"] else { workspaceMembers = []; continue }
                guard let list = Self.strings(members) else {
                    throw ConfigError.wrongType(
                        path: path, key: "workspace.members", line: locator.line(of: "members", inTable: "workspace"),
                        expected: Setting.ValueType.list.description)
                }
                workspaceMembers = list
            default:
                throw ConfigError.unknownKey(
                    path: path, key: key, line: locator.line(ofTable: key) ?? locator.line(of: key, inTable: ""),
                    known: ["build", "deploy", "functions", "workspace"])
            }
        }

        func wrongType(_ key: String, expected: String, _ locator: KeyLocator) -> ConfigError {
            ConfigError.wrongType(path: path, key: key, line: locator.line(ofTable: key) ?? locator.line(of: key, inTable: ""), expected: expected)
        }
    }

    static func layer(
        _ table: TOMLTable, table name: String, allowed: [Setting], path: String, directory: String, locator: KeyLocator
    ) throws -> Layer {
        var layer = Layer()
        for key in table.keys.sorted() {
            let line = locator.line(of: key, inTable: name) ?? locator.line(ofTable: "\(name).\(key)")
            guard let setting = Setting(rawValue: key), allowed.contains(setting) else {
                throw ConfigError.unknownKey(path: path, key: "\(name).\(key)", line: line, known: allowed.map(\.rawValue).sorted())
            }
            // In a function's table `flatten` says whether this function is the flattened one.
            let type: Setting.ValueType = setting == .flatten && name.hasPrefix("functions.") ? .bool : setting.type
            let value: SettingValue?
            switch type {
            case .bool: value = table[key]?.bool.map(SettingValue.bool)
            case .string: value = table[key]?.string.map(SettingValue.string)
            case .list: value = table[key].flatMap(strings).map(SettingValue.list)
            case .integer: value = table[key]?.int.map(SettingValue.integer)
            case .table: value = table[key]?.table.flatMap(stringTable).map(SettingValue.table)
            }
            guard let value else {
                throw ConfigError.wrongType(path: path, key: "\(name).\(key)", line: line, expected: type.description)
            }
            layer.set(setting, value, from: Origin(.file(path: path, table: name, line: line), baseDirectory: directory))
        }
        return layer
    }

    /// An inline table (or a `[deploy.env]` table) whose every value is a string.
    static func stringTable(_ table: TOMLTable) -> [String: String]? {
        var entries: [String: String] = [:]
        for key in table.keys {
            guard let string = table[key]?.string else { return nil }
            entries[key] = string
        }
        return entries
    }

    static func strings(_ value: any TOMLValueConvertible) -> [String]? {
        guard let array = value.array else { return nil }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else { return nil }
            strings.append(string)
        }
        return strings
    }
}

/// Finds the line of a key in TOML text (TOMLKit keeps no positions for
/// values): the line of `key =` under the `[table]` header, or in the table's
/// dotted form (`build.release = true` at the top level).
struct KeyLocator {
    /// Each non-comment line's number, the table it is in and its key, if it assigns one.
    private var assignments: [(line: Int, table: String, key: String)] = []
    private var headers: [String: Int] = [:]

    init(text: String) {
        var table = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                    .split(separator: "#").first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t")) } ?? ""
                table = Self.normalize(name)
                if headers[table] == nil { headers[table] = index + 1 }
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = Self.normalize(String(line[..<equals]))
                assignments.append((index + 1, table, key))
            }
        }
    }

    func line(of key: String, inTable table: String) -> Int? {
        let dotted = table.isEmpty ? key : "\(table).\(key)"
        return assignments.first { ($0.table == table && $0.key == key) || ($0.table.isEmpty && $0.key == dotted) }?.line
            ?? assignments.first { $0.table.isEmpty && $0.key.hasPrefix(dotted + ".") }?.line
    }

    func line(ofTable table: String) -> Int? { headers[table] }

    /// `functions . "echo"` and `functions.echo` are the same name.
    private static func normalize(_ name: String) -> String {
        name.split(separator: ".").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")) }.joined(separator: ".")
    }
}

/// Why a configuration could not be used: each names where to fix it.
public enum ConfigError: Error, Sendable, Equatable {
    case unreadable(path: String)
    case syntax(path: String, line: Int, column: Int, message: String)
    case unknownKey(path: String, key: String, line: Int?, known: [String])
    case wrongType(path: String, key: String, line: Int?, expected: String)
    case badValue(setting: String, origin: String, value: String, expected: String)
    case unknownFunction(path: String, product: String, line: Int?, available: [String])
    case twoFlattened(first: String, second: String)
    /// `env-file`/`--env-file` that cannot be read, a line of it that is not `KEY=VALUE`, and an
    /// `--env`/`--tag` that is not `KEY=VALUE` (`EnvironmentFile`).
    case unreadableEnvironmentFile(path: String, reason: String)
    case badEnvironmentLine(path: String, line: Int, text: String)
    case badPair(flag: String, value: String)
}

extension ConfigError: CustomStringConvertible {
    public var description: String {
        func at(_ path: String, _ line: Int?) -> String { line.map { "\(path):\($0)" } ?? path }
        switch self {
        case .unreadable(let path):
            return "cannot read the configuration file \(path); check the path given to --config"
        case .syntax(let path, let line, let column, let message):
            return "\(path):\(line):\(column): \(message); fix the TOML syntax there"
        case .unknownKey(let path, let key, let line, let known):
            if let placement = Self.placement(of: key) { return "\(at(path, line)): unknown key '\(key)'; \(placement)" }
            if let nearest = Suggestion.nearest(to: String(key.split(separator: ".").last ?? ""), among: known) {
                return "\(at(path, line)): unknown key '\(key)'; did you mean '\(nearest)'?"
            }
            return "\(at(path, line)): unknown key '\(key)'; known keys there: \(known.joined(separator: ", "))"
        case .wrongType(let path, let key, let line, let expected):
            return "\(at(path, line)): '\(key)' must be \(expected)"
        case .badValue(let setting, let origin, let value, let expected):
            return "\(origin): \(setting) = '\(value)' is not valid; use \(expected)"
        case .unknownFunction(let path, let product, let line, let available):
            return "\(at(path, line)): [functions.\(product)] names no executable product being built; products: \(available.joined(separator: ", "))"
        case .twoFlattened(let first, let second):
            return "both \(first) and \(second) ask to be flattened into the lambda directory; only one bootstrap fits there"
        case .unreadableEnvironmentFile(let path, let reason):
            return "cannot read the --env-file \(path): \(reason)"
        case .badEnvironmentLine(let path, let line, let text):
            return "\(path):\(line): '\(text)' is not KEY=VALUE; write one variable per line (# starts a comment)"
        case .badPair(let flag, let value):
            return "\(flag) '\(value)' is not KEY=VALUE; write it as \(flag) NAME=value"
        }
    }

    /// Where a key that is a setting of the other command belongs: a deploy
    /// key in `[build]`, a build key in `[deploy]`, a run-wide deploy key in a
    /// function's table. Nil for typos (and build's own misplaced keys, whose wording stays).
    static func placement(of key: String) -> String? {
        let parts = key.split(separator: ".").map(String.init)
        guard parts.count >= 2, let setting = Setting(rawValue: parts[parts.count - 1]) else { return nil }
        let table = parts.dropLast().joined(separator: ".")
        let deployTables = Setting.deployRunWide.contains(setting) ? "[deploy]" : "[deploy] or [functions.<product>]"
        if table == "build", setting.isDeploy {
            return "\(setting.rawValue) is a deploy setting; set it in \(deployTables)"
        }
        if table == "deploy", !setting.isDeploy {
            let buildTables = Setting.perFunction.contains(setting) ? "[build] or [functions.<product>]" : "[build]"
            let uses = setting == .runtime ? " (deploy uses the runtime the build checked against)" : ""
            return "\(setting.rawValue) is a build setting; set it in \(buildTables)\(uses)"
        }
        if table.hasPrefix("functions."), Setting.deployRunWide.contains(setting) {
            return "\(setting.rawValue) applies to the whole deploy; set it in [deploy]"
        }
        return nil
    }
}

/// What a configuration holds that does not stop the run but is likely a mistake.
public enum ConfigWarning: Sendable, Equatable {
    case unknownVariable(String, suggestion: String?)
    /// A member's own file sets what only the workspace's file or the flags decide.
    case runWideInMember(setting: String, origin: String)
}

extension ConfigWarning: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownVariable(let name, let suggestion):
            let hint = suggestion.map { "did you mean \($0)?" } ?? "the variables are SWIFT_LAMBDA_ and a setting's name (SWIFT_LAMBDA_OUTPUT_FORMAT)"
            return "\(name) is not a swift-lambda variable and is ignored; \(hint)"
        case .runWideInMember(let setting, let origin):
            return "\(origin): \(setting) applies to the whole workspace and is ignored in a member's file; set it in the workspace's swift-lambda.toml or as a flag"
        }
    }
}
