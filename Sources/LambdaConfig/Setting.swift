import BuildPlanner
import LambdaSupport

/// Every build and deploy option that can be set outside the command line,
/// named as its long flag, so `--output-format` is `output-format` in
/// `swift-lambda.toml` and `SWIFT_LAMBDA_OUTPUT_FORMAT` in the environment.
/// One enum for both commands, so one set of layers, origins and checks
/// serves both; `Setting.build` and `Setting.deploy` say which command reads which.
public enum Setting: String, Sendable, CaseIterable, Comparable {
    case release
    case outputFormat = "output-format"
    case arm64
    case x86_64 = "x86-64"
    case target
    case compiler
    case swiftSDK = "swift-sdk"
    case swiftSDKsPath = "swift-sdks-path"
    case containerCLI = "container-cli"
    case image
    case lambdaDir = "lambda-dir"
    case include
    case runtime
    case skipChecks = "skip-checks"
    case bundleLibs = "bundle-libs"
    case disableOptimizations = "disable-optimizations"
    case glibcCompat = "glibc-compat"
    case `extension`
    case `internal`
    case flatten
    // `--output-format image`: where images are pushed, their tag, and what the system layer holds.
    case push
    case imageTag = "image-tag"
    case insecureRegistry = "insecure-registry"
    case caCertificates = "ca-certificates"

    // Deploy settings of the whole run (`[deploy]`); see DeploySettings.swift.
    case region
    case profile
    case endpointURL = "endpoint-url"
    case s3Bucket = "s3-bucket"
    // Deploy settings a function may change (`[deploy]`, `[functions.<product>]`).
    case iamRole = "iam-role"
    case memory
    case timeout
    case env
    case envFile = "env-file"
    case tags
    /// `--layer`, repeatable.
    case layers
    /// The function's description (not `description`, which would read as CustomStringConvertible's).
    case functionDescription = "description"
    case publish
    case alias
    case functionURL = "function-url"
    case functionURLAuth = "function-url-auth"

    public enum ValueType: Sendable, Equatable, CustomStringConvertible {
        case bool, string, list, integer, table

        public var description: String {
            switch self {
            case .bool: "a boolean (true or false)"
            case .string: "a string"
            case .list: "an array of strings"
            case .integer: "an integer"
            case .table: "a table of strings ({ KEY = \"value\" })"
            }
        }
    }

    /// The type in `[build]` and the environment. `flatten` names a product
    /// there and is a boolean in `[functions.<product>]`.
    public var type: ValueType {
        switch self {
        case .release, .arm64, .x86_64, .skipChecks, .bundleLibs, .disableOptimizations, .glibcCompat, .extension, .internal,
            .publish, .functionURL, .insecureRegistry, .caCertificates:
            return .bool
        case .include, .layers:
            return .list
        case .memory, .timeout:
            return .integer
        case .env, .tags:
            return .table
        default:
            return .string
        }
    }

    /// Build settings a single function may change (`[functions.<product>]`,
    /// which also takes `deployPerFunction`).
    public static let perFunction: [Setting] = [.include, .extension, .internal, .outputFormat, .flatten]

    /// A value that names a path, resolved against where it was written.
    public var isPath: Bool { self == .lambdaDir || self == .swiftSDKsPath || self == .include || self == .envFile }

    /// `SWIFT_LAMBDA_OUTPUT_FORMAT` for `output-format`; read only when `isReadFromEnvironment`.
    public var environmentVariable: String {
        "SWIFT_LAMBDA_" + rawValue.uppercased().replacing("-", with: "_")
    }

    public static func < (lhs: Setting, rhs: Setting) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum SettingValue: Sendable, Equatable, CustomStringConvertible {
    case bool(Bool)
    case string(String)
    case list([String])
    case integer(Int)
    /// An inline table of strings (`env`, `tags`).
    case table([String: String])

    public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var list: [String]? { if case .list(let value) = self { value } else { nil } }
    public var integer: Int? { if case .integer(let value) = self { value } else { nil } }
    public var table: [String: String]? { if case .table(let value) = self { value } else { nil } }

    /// As TOML writes it; a table's keys sorted.
    public var description: String {
        switch self {
        case .bool(let value): return "\(value)"
        case .string(let value): return quoted(value)
        case .list(let values): return "[" + values.map(quoted).joined(separator: ", ") + "]"
        case .integer(let value): return "\(value)"
        case .table(let entries) where entries.isEmpty: return "{}"
        case .table(let entries):
            return "{ " + entries.keys.sorted().map { "\(tomlKey($0)) = \(quoted(entries[$0] ?? ""))" }.joined(separator: ", ") + " }"
        }
    }
}

private func quoted(_ value: String) -> String {
    "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
}

/// A bare key when TOML allows one (`A-Za-z0-9_-`), else quoted.
private func tomlKey(_ key: String) -> String {
    let bare = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    return bare ? key : quoted(key)
}

/// Where a value came from, for `--print-config` and error messages; the
/// directory relative paths in it are resolved against.
public struct Origin: Sendable, Equatable, CustomStringConvertible {
    public enum Source: Sendable, Equatable {
        case environment(variable: String)
        /// A configuration file, the table (`build`, `functions.echo`) and the key's line.
        case file(path: String, table: String, line: Int?)
        case flag(String)
    }

    public var source: Source
    public var baseDirectory: String

    public init(_ source: Source, baseDirectory: String) {
        self.source = source
        self.baseDirectory = baseDirectory
    }

    public var description: String {
        switch source {
        case .environment(let variable): return variable
        case .file(let path, let table, let line): return "\(path)\(line.map { ":\($0)" } ?? "") [\(table)]"
        case .flag(let flag): return flag
        }
    }
}

/// One layer of settings: the environment, a table of the file, or the flags given.
public struct Layer: Sendable, Equatable {
    public var values: [Setting: SettingValue] = [:]
    public var origins: [Setting: Origin] = [:]

    public init() {}

    public subscript(setting: Setting) -> SettingValue? { values[setting] }

    /// Paths from a file are anchored at its directory, so they mean the same
    /// whichever layer wins; an include keeps its destination. Flags and
    /// variables are relative to the current directory, as the build reads
    /// them, and stay as typed so errors quote them as typed.
    public mutating func set(_ setting: Setting, _ value: SettingValue, from origin: Origin) {
        if case .file = origin.source {
            values[setting] = Self.anchored(setting, value, at: origin.baseDirectory)
        } else {
            values[setting] = value
        }
        origins[setting] = origin
    }

    static func anchored(_ setting: Setting, _ value: SettingValue, at base: String) -> SettingValue {
        guard setting.isPath else { return value }
        switch value {
        case .string(let path):
            return .string(FileSystem.absolute(path, relativeTo: base))
        case .list(let includes):
            return .list(includes.map { include in
                // A malformed include is left as written for the planner to reject with its own words.
                guard let spec = try? IncludeSpec.parse(include, absoluteSource: { FileSystem.absolute($0, relativeTo: base) })
                else { return include }
                return "\(spec.destination):\(FileSystem.absolute(spec.source, relativeTo: base))"
            })
        case .bool, .integer, .table:
            return value
        }
    }

    public var isEmpty: Bool { values.isEmpty }
}
