import LambdaSupport

/// Where `build` puts artifacts, as every reader of them (`invoke`, `serve`, `deploy`) finds
/// the directory without building: one resolution, so they can never look in different places.
public enum LambdaDirectory {
    /// `--lambda-dir` (relative to the current directory); else `lambda-dir` as `build`
    /// resolves it without flags (the package's `swift-lambda.toml` over
    /// `SWIFT_LAMBDA_LAMBDA_DIR`); else `target/lambda` under `--package-path` or the current
    /// directory. The warnings are the configuration's (an unknown `SWIFT_LAMBDA_` variable),
    /// for the caller to print as `build` does.
    public static func locate(
        packagePath: String?, lambdaDirectory: String?, currentDirectory: String, environment: [String: String] = [:]
    ) throws -> (path: String, warnings: [ConfigWarning]) {
        if let lambdaDirectory {
            return (
                FileSystem.absolute(lambdaDirectory, relativeTo: currentDirectory),
                Configuration.unknownVariables(environment)
            )
        }
        let root = packagePath.map { FileSystem.absolute($0, relativeTo: currentDirectory) } ?? currentDirectory
        let configuration = try Configuration.load(
            root: root, environment: environment, currentDirectory: currentDirectory)
        let path = configuration.value(of: .lambdaDir)?.value.string.map {
            FileSystem.absolute($0, relativeTo: currentDirectory)
        }
        return (path ?? "\(root)/target/lambda", configuration.warnings)
    }
}
