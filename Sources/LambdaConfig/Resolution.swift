import Foundation
import LambdaSupport

/// The settings of one run, layered lowest first: `SWIFT_LAMBDA_*`
/// variables, the file's `[build]` (`[deploy]` for a deploy setting), its
/// `[functions.<product>]`, in a workspace the member package's own file
/// (`[build]` or `[deploy]`, then `[functions.<product>]`), then the flags
/// given. A layer without a setting leaves the one below it; lists
/// (`include`, `layers`) are merged across layers, duplicates dropped, and
/// tables (`env`, `tags`) key by key, the higher layer's value winning.
public struct Configuration: Sendable, Equatable {
    public var environment: Layer
    public var file: ConfigFile?
    public var flags: Layer
    /// Each workspace member's own `swift-lambda.toml`, by member root.
    public var members: [String: ConfigFile]
    /// The member whose file applies (see `scoped(toMember:)`); nil for the run as a whole.
    public var memberRoot: String?
    /// What was noticed while loading and does not stop the run (printed as `warning:` lines).
    public var warnings: [ConfigWarning]

    public init(
        environment: Layer, file: ConfigFile?, flags: Layer, members: [String: ConfigFile] = [:], warnings: [ConfigWarning] = []
    ) {
        self.environment = environment
        self.file = file
        self.flags = flags
        self.members = members
        self.memberRoot = nil
        self.warnings = warnings
    }

    /// The file of the member this configuration is scoped to.
    public var memberFile: ConfigFile? { memberRoot.flatMap { members[$0] } }

    /// The configuration as it applies to the products of the member package at `root`.
    public func scoped(toMember root: String) -> Configuration {
        var scoped = self
        scoped.memberRoot = root
        return scoped
    }

    /// Settings a member's own file decides for that member's products; the
    /// rest (target, compiler, runtime, lambda directory, ...) are the run's.
    public static let perMember: [Setting] = Setting.perFunction.filter { $0 != .flatten } + [.release, .disableOptimizations]

    /// Adds the own `swift-lambda.toml` of each member (when it has one and it
    /// is not the workspace's file), with a warning for each setting there
    /// that only the workspace's file or the flags can decide.
    public mutating func addMemberFiles(_ roots: [String]) throws {
        for root in roots {
            let path = "\(root)/\(ConfigFile.defaultName)"
            guard path != file?.path, FileSystem.exists(path) else { continue }
            let memberFile = try ConfigFile.load(path)
            members[root] = memberFile
            for setting in memberFile.build.values.keys.sorted() where !Self.perMember.contains(setting) {
                guard let origin = memberFile.build.origins[setting] else { continue }
                warnings.append(.runWideInMember(setting: setting.rawValue, origin: origin.description))
            }
        }
    }

    /// The configuration of a run in the package (or workspace) at `root`:
    /// `configPath` (relative to the current directory, and then required to
    /// exist) or else `root/swift-lambda.toml` when there is one, the
    /// `SWIFT_LAMBDA_*` variables of `environment`, and `flags`.
    public static func load(
        root: String, configPath: String? = nil, environment: [String: String], currentDirectory: String,
        flags: Layer = Layer()
    ) throws -> Configuration {
        let path = configPath.map { FileSystem.absolute($0, relativeTo: currentDirectory) }
            ?? "\(root)/\(ConfigFile.defaultName)"
        return Configuration(
            environment: try environmentLayer(environment, currentDirectory: currentDirectory),
            file: configPath != nil || FileSystem.exists(path) ? try ConfigFile.load(path) : nil, flags: flags,
            warnings: unknownVariables(environment))
    }

    /// What a member's own `[deploy]` sets that only the workspace's file or
    /// the flags decide (the region, the bucket, ...), for deploy to print as
    /// warnings; apart from `warnings` because a build reads no deploy setting.
    public var deployWarnings: [ConfigWarning] {
        members.keys.sorted().flatMap { root -> [ConfigWarning] in
            guard let deploy = members[root]?.deploy else { return [] }
            return deploy.values.keys.sorted().filter { Setting.deployRunWide.contains($0) }.compactMap { setting in
                deploy.origins[setting].map { .runWideInMember(setting: setting.rawValue, origin: $0.description) }
            }
        }
    }

    /// The variables that name settings: `SWIFT_LAMBDA_` and the setting's name.
    static let settingVariables = Setting.allCases.filter { $0.isReadFromEnvironment }.map(\.environmentVariable)

    /// `SWIFT_LAMBDA_` variables that are not settings (a typo does nothing, so it is said).
    public static func unknownVariables(_ environment: [String: String]) -> [ConfigWarning] {
        let known = settingVariables + otherVariables
        return environment.keys.filter { $0.hasPrefix("SWIFT_LAMBDA_") && !known.contains($0) }.sorted().map { name in
            .unknownVariable(name, suggestion: Suggestion.nearest(to: name, among: settingVariables))
        }
    }

    /// Variables of this project's own that are not build settings.
    public static let otherVariables = [
        // Re-records the templates' golden files in the tests.
        "SWIFT_LAMBDA_RECORD_GOLDEN"
    ]

    /// Checks every value of every layer, not only the one that wins: a bad
    /// value is a mistake even where a higher layer hides it today.
    /// `expected` returns what `setting` accepts when `value` is not valid.
    /// A table is checked one entry at a time and named by its key alone:
    /// `env` values may be secrets, and an error line must not show them.
    public func checkValues(_ expected: (Setting, SettingValue) -> String?) throws {
        let tables = [environment, file?.build, file?.deploy, flags].compactMap { $0 }
            + (file.map { file in file.functions.keys.sorted().compactMap { file.functions[$0] } } ?? [])
            + members.keys.sorted().flatMap { root -> [Layer] in
                guard let member = members[root] else { return [] }
                return [member.build, member.deploy] + member.functions.keys.sorted().compactMap { member.functions[$0] }
            }
        for layer in tables {
            for setting in layer.values.keys.sorted() {
                guard let value = layer.values[setting], let origin = layer.origins[setting] else { continue }
                if case .table(let entries) = value {
                    for key in entries.keys.sorted() {
                        guard let accepted = expected(setting, .table([key: entries[key] ?? ""])) else { continue }
                        throw ConfigError.badValue(setting: setting.rawValue, origin: origin.description, value: "{ \(key) = … }", expected: accepted)
                    }
                } else if let accepted = expected(setting, value) {
                    throw ConfigError.badValue(setting: setting.rawValue, origin: origin.description, value: "\(value.string ?? value.description)", expected: accepted)
                }
            }
        }
    }

    /// One resolved setting: its value and every origin that contributed.
    public struct Resolved: Sendable, Equatable {
        public var value: SettingValue
        public var origins: [Origin]
    }

    /// A setting for the whole run (not per function): flags, `[build]`, environment.
    /// Scoped to a member, that member's `[build]` comes between the workspace's file and the flags
    /// for the settings a member decides (`perMember`). A deploy setting reads
    /// `[deploy]` instead of `[build]`, the member's too when a function may change it.
    public func value(of setting: Setting) -> Resolved? {
        if setting.isDeploy {
            let member = Setting.deployPerFunction.contains(setting) ? memberFile?.deploy : nil
            return resolve(setting, layers: [environment, file?.deploy, member, flags].compactMap { $0 })
        }
        let member = Self.perMember.contains(setting) ? memberFile?.build : nil
        return resolve(setting, layers: [environment, file?.build, member, flags].compactMap { $0 })
    }

    /// A setting as it applies to `product` (of the member this is scoped to, in a workspace).
    public func value(of setting: Setting, for product: String) -> Resolved? {
        let table: KeyPath<ConfigFile, Layer>
        if Setting.deployPerFunction.contains(setting) {
            table = \.deploy
        } else if Setting.perFunction.contains(setting), setting != .flatten {
            table = \.build
        } else {
            return value(of: setting)
        }
        return resolve(
            setting,
            layers: [
                environment, file?[keyPath: table], file?.functions[product], memberFile?[keyPath: table],
                memberFile?.functions[product], flags,
            ].compactMap { $0 })
    }

    /// The variables `name` runs with: `env-file` read first, then the `env` tables (and
    /// `--env`) over it, as a dotenv file is overridden by the variables set explicitly. Nil
    /// when neither is set for `name`. Every pair is checked as `env` accepts it, a bad one
    /// named with where it came from (the tables were checked with the configuration; this
    /// catches the file's lines). Deploy replaces the function's variables on Lambda with it
    /// whole; watch adds it over the variables Lambda itself sets.
    public func environment(for name: String) throws -> [String: String]? {
        var environment: [String: String]?
        if let path = value(of: .envFile, for: name)?.value.string {
            environment = try EnvironmentFile.load(path)
        }
        if let table = value(of: .env, for: name)?.value.table {
            environment = (environment ?? [:]).merging(table) { $1 }
        }
        if let environment {
            for (key, text) in environment.sorted(by: { $0.key < $1.key }) {
                if let expected = DeployChoices.expected(.env, .table([key: text])) {
                    let origin = value(of: .envFile, for: name)?.origins.map(\.description).joined(separator: ", ") ?? "env"
                    throw ConfigError.badValue(setting: "env", origin: origin, value: key, expected: expected)
                }
            }
        }
        return environment
    }

    /// Whether any file has a `[functions.<product>]` table for `product` that
    /// changes how it is built (one of deploy settings only changes nothing the build does).
    public func hasFunctionTable(_ product: String) -> Bool {
        [file?.functions[product], memberFile?.functions[product]].contains { table in
            table?.values.keys.contains { !$0.isDeploy } ?? false
        }
    }

    /// The product flattened into the lambda directory, if any: `--flatten`,
    /// else the one function whose table says `flatten = true`, else `[build]`, else the environment.
    public func flattenedProduct() throws -> Resolved? {
        if let flag = flags.values[.flatten], let origin = flags.origins[.flatten] { return Resolved(value: flag, origins: [origin]) }
        // Every file's function tables: a member's product may be the flattened one.
        let files = [file].compactMap { $0 } + members.keys.sorted().compactMap { members[$0] }
        let flagged = files.flatMap { file in
            file.functions.filter { $0.value[.flatten]?.bool == true }.keys.sorted().compactMap { product in
                file.functions[product]?.origins[.flatten].map { (product: product, origin: $0) }
            }
        }
        if flagged.count > 1 { throw ConfigError.twoFlattened(first: flagged[0].product, second: flagged[1].product) }
        if let first = flagged.first {
            return Resolved(value: .string(first.product), origins: [first.origin])
        }
        return resolve(.flatten, layers: [environment, file?.build].compactMap { $0 })
    }

    private func resolve(_ setting: Setting, layers: [Layer]) -> Resolved? {
        if setting.type == .table {
            var merged: [String: String] = [:]
            var from: [String: Int] = [:]
            for (index, layer) in layers.enumerated() {
                for (key, value) in layer[setting]?.table ?? [:] {
                    merged[key] = value
                    from[key] = index
                }
            }
            // Every layer some key still comes from; an empty table (`env = {}`) counts only when all are.
            let writers = layers.indices.filter { layers[$0][setting] != nil }
            guard !writers.isEmpty else { return nil }
            let sources = Set(from.values)
            let contributing = merged.isEmpty ? writers : writers.filter { sources.contains($0) }
            return Resolved(value: .table(merged), origins: contributing.compactMap { layers[$0].origins[setting] })
        }
        if setting.type == .list {
            var merged: [String] = []
            var origins: [Origin] = []
            for layer in layers {
                guard let values = layer[setting]?.list, let origin = layer.origins[setting] else { continue }
                let fresh = values.filter { !merged.contains($0) }
                merged += fresh
                if !fresh.isEmpty { origins.append(origin) }
            }
            return merged.isEmpty ? nil : Resolved(value: .list(merged), origins: origins)
        }
        for layer in layers.reversed() {
            if let value = layer[setting], let origin = layer.origins[setting] { return Resolved(value: value, origins: [origin]) }
        }
        return nil
    }

    /// The `SWIFT_LAMBDA_*` variables of `environment` that name settings.
    /// Booleans are `1/true/yes/on` or `0/false/no/off`; lists are comma-separated; integers decimal.
    /// Other `SWIFT_LAMBDA_` variables are not settings and are left alone.
    public static func environmentLayer(_ environment: [String: String], currentDirectory: String) throws -> Layer {
        var layer = Layer()
        for setting in Setting.allCases where setting.isReadFromEnvironment {
            let variable = setting.environmentVariable
            guard let raw = environment[variable], !raw.isEmpty else { continue }
            let origin = Origin(.environment(variable: variable), baseDirectory: currentDirectory)
            switch setting.type {
            case .bool:
                switch raw.lowercased() {
                case "1", "true", "yes", "on": layer.set(setting, .bool(true), from: origin)
                case "0", "false", "no", "off": layer.set(setting, .bool(false), from: origin)
                default: throw ConfigError.badValue(setting: setting.rawValue, origin: variable, value: raw, expected: "true or false (1/0, yes/no, on/off)")
                }
            case .string:
                layer.set(setting, .string(raw), from: origin)
            case .list:
                layer.set(setting, .list(raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }), from: origin)
            case .integer:
                guard let integer = Int(raw.trimmingCharacters(in: .whitespaces)) else {
                    throw ConfigError.badValue(setting: setting.rawValue, origin: variable, value: raw, expected: Setting.ValueType.integer.description)
                }
                layer.set(setting, .integer(integer), from: origin)
            case .table:
                continue  // not read from the environment
            }
        }
        return layer
    }
}
