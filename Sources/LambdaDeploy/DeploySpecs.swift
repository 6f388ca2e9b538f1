public import LambdaConfig

/// Each function's wanted state from its settings, as `configuration.value(of:for:)` layers
/// them (a member's own file, then flags, over `[deploy]`), with the zip's facts.
public enum DeploySpecs {
    /// `env-file` is read first and the `env` tables (and `--env`) override it, as a dotenv
    /// file is overridden by the variables set explicitly. No variable set anywhere leaves the
    /// function's own set alone; any set replaces it whole.
    public static func spec(for zip: DeployZip, configuration: Configuration, runtime: String) throws -> FunctionSpec {
        let name = zip.name
        func value(_ setting: Setting) -> SettingValue? { configuration.value(of: setting, for: name)?.value }
        var environment: [String: String]?
        if let path = value(.envFile)?.string {
            environment = try EnvironmentFile.load(path)
        }
        if let table = value(.env)?.table {
            environment = (environment ?? [:]).merging(table) { $1 }
        }
        if let environment {
            // The file's lines are checked here; the tables were checked with the configuration.
            for (key, text) in environment.sorted(by: { $0.key < $1.key }) {
                if let expected = DeployChoices.expected(.env, .table([key: text])) {
                    let origin = configuration.value(of: .envFile, for: name)?.origins.map(\.description).joined(separator: ", ") ?? "env"
                    throw ConfigError.badValue(setting: "env", origin: origin, value: key, expected: expected)
                }
            }
        }
        let urlWanted = value(.functionURL)?.bool ?? false
        return FunctionSpec(
            name: name, architecture: zip.architecture.rawValue, codeSha256: zip.codeSha256, runtime: runtime,
            role: value(.iamRole)?.string, memory: value(.memory)?.integer, timeout: value(.timeout)?.integer,
            environment: environment, layers: value(.layers)?.list, tags: value(.tags)?.table ?? [:],
            description: value(.functionDescription)?.string, publish: value(.publish)?.bool ?? false,
            alias: value(.alias)?.string, functionURLAuth: urlWanted ? (value(.functionURLAuth)?.string ?? "none") : nil)
    }
}
