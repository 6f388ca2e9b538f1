public import LambdaConfig

/// Each function's wanted state from its settings, as `configuration.value(of:for:)` layers
/// them (a member's own file, then flags, over `[deploy]`), with the zip's facts.
public enum DeploySpecs {
    /// The variables are `configuration.environment(for:)`'s: `env-file` first, the `env`
    /// tables (and `--env`) over it. No variable set anywhere leaves the function's own set
    /// alone; any set replaces it whole.
    public static func spec(for zip: DeployZip, configuration: Configuration, runtime: String) throws -> FunctionSpec {
        let name = zip.name
        func value(_ setting: Setting) -> SettingValue? { configuration.value(of: setting, for: name)?.value }
        let environment = try configuration.environment(for: name)
        let urlWanted = value(.functionURL)?.bool ?? false
        return FunctionSpec(
            name: name, architecture: zip.architecture.rawValue, codeSha256: zip.codeSha256, runtime: runtime,
            role: value(.iamRole)?.string, memory: value(.memory)?.integer, timeout: value(.timeout)?.integer,
            environment: environment, layers: value(.layers)?.list, tags: value(.tags)?.table ?? [:],
            description: value(.functionDescription)?.string, publish: value(.publish)?.bool ?? false,
            alias: value(.alias)?.string, functionURLAuth: urlWanted ? (value(.functionURLAuth)?.string ?? "none") : nil)
    }
}
