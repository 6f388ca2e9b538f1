import Foundation
import LambdaSupport

/// The settings of one run, layered lowest first: `SWIFT_LAMBDA_*`
/// variables, the file's `[build]`, its `[functions.<product>]`, then the
/// flags given. A layer without a setting leaves the one below it; lists
/// (`include`) are merged across layers, duplicates dropped.
public struct Configuration: Sendable, Equatable {
    public var environment: Layer
    public var file: ConfigFile?
    public var flags: Layer

    public init(environment: Layer, file: ConfigFile?, flags: Layer) {
        self.environment = environment
        self.file = file
        self.flags = flags
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
            file: configPath != nil || FileSystem.exists(path) ? try ConfigFile.load(path) : nil, flags: flags)
    }

    /// One resolved setting: its value and every origin that contributed.
    public struct Resolved: Sendable, Equatable {
        public var value: SettingValue
        public var origins: [Origin]
    }

    /// A setting for the whole run (not per function): flags, `[build]`, environment.
    public func value(of setting: Setting) -> Resolved? {
        resolve(setting, layers: [environment, file?.build, flags].compactMap { $0 })
    }

    /// A setting as it applies to `product`.
    public func value(of setting: Setting, for product: String) -> Resolved? {
        guard Setting.perFunction.contains(setting), setting != .flatten else { return value(of: setting) }
        return resolve(setting, layers: [environment, file?.build, file?.functions[product], flags].compactMap { $0 })
    }

    /// The product flattened into the lambda directory, if any: `--flatten`,
    /// else the one function whose table says `flatten = true`, else `[build]`, else the environment.
    public func flattenedProduct() throws -> Resolved? {
        if let flag = flags.values[.flatten], let origin = flags.origins[.flatten] { return Resolved(value: flag, origins: [origin]) }
        let flagged = (file?.functions ?? [:]).filter { $0.value[.flatten]?.bool == true }.keys.sorted()
        if flagged.count > 1 { throw ConfigError.twoFlattened(first: flagged[0], second: flagged[1]) }
        if let product = flagged.first, let origin = file?.functions[product]?.origins[.flatten] {
            return Resolved(value: .string(product), origins: [origin])
        }
        return resolve(.flatten, layers: [environment, file?.build].compactMap { $0 })
    }

    private func resolve(_ setting: Setting, layers: [Layer]) -> Resolved? {
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
    /// Booleans are `1/true/yes/on` or `0/false/no/off`; lists are comma-separated.
    /// Other `SWIFT_LAMBDA_` variables are not settings and are left alone.
    public static func environmentLayer(_ environment: [String: String], currentDirectory: String) throws -> Layer {
        var layer = Layer()
        for setting in Setting.allCases {
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
            }
        }
        return layer
    }
}
