public import LambdaConfig

/// Each function's wanted state from its settings, as `configuration.value(of:for:)` layers
/// them (a member's own file, then flags, over `[deploy]`), with the zip's facts.
public enum DeploySpecs {
    /// The variables are `configuration.environment(for:)`'s: `env-file` first, the `env`
    /// tables (and `--env`) over it. No variable set anywhere leaves the function's own set
    /// alone; any set replaces it whole.
    public static func spec(for zip: DeployZip, configuration: Configuration, runtime: String) throws -> FunctionSpec {
        try spec(zip.name, architecture: zip.architecture, codeSha256: zip.codeSha256, configuration: configuration, runtime: runtime)
    }

    /// An image function's: the image pinned by the digest it will have once pushed, no runtime
    /// (the image brings its own) and no layers (Lambda refuses them for an image; configured
    /// ones are an error rather than silently dropped).
    public static func spec(for image: DeployImage, configuration: Configuration) throws -> FunctionSpec {
        if let layers = configuration.value(of: .layers, for: image.name) {
            throw DeployError.layersOnImage(function: image.name, origin: layers.origins.map(\.description).joined(separator: ", "))
        }
        var spec = try spec(image.name, architecture: image.architecture, codeSha256: image.digestHex, configuration: configuration, runtime: "")
        spec.imageURI = image.pinnedURI
        return spec
    }

    static func spec(
        _ name: String, architecture: LambdaArchitecture, codeSha256: String, configuration: Configuration, runtime: String
    ) throws -> FunctionSpec {
        func value(_ setting: Setting) -> SettingValue? { configuration.value(of: setting, for: name)?.value }
        let environment = try configuration.environment(for: name)
        let urlWanted = value(.functionURL)?.bool ?? false
        return FunctionSpec(
            name: name, architecture: architecture.rawValue, codeSha256: codeSha256, runtime: runtime,
            role: value(.iamRole)?.string, memory: value(.memory)?.integer, timeout: value(.timeout)?.integer,
            environment: environment, layers: value(.layers)?.list, tags: value(.tags)?.table ?? [:],
            description: value(.functionDescription)?.string, publish: value(.publish)?.bool ?? false,
            alias: value(.alias)?.string, functionURLAuth: urlWanted ? (value(.functionURLAuth)?.string ?? "none") : nil)
    }

    /// Whether `name` is deployed as an image: `--image`, or `output-format = "image"` for it
    /// (`[build]`, `[functions.NAME]`, `SWIFT_LAMBDA_OUTPUT_FORMAT`), as it was built.
    public static func isImage(_ name: String, configuration: Configuration) -> Bool {
        configuration.value(of: .outputFormat, for: name)?.value.string == "image"
    }
}
