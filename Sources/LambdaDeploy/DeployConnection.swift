public import AWSClient
public import LambdaConfig
import LambdaSupport
import LambdaBuild

/// The client of a run: region, profile and endpoint as the configuration resolves them
/// (flags over `[deploy]`), then the AWS SDKs' own variables and files.
public enum DeployConnection {
    public static func client(
        configuration: Configuration, context: DeployContext, trace: (@Sendable (String) -> Void)? = nil
    ) async throws -> AWSClient {
        try await AWSClient.resolve(
            region: configuration.value(of: .region)?.value.string, profile: configuration.value(of: .profile)?.value.string,
            endpointURL: configuration.value(of: .endpointURL)?.value.string, environment: context.build.environment,
            home: context.home, transport: context.transport, trace: trace)
    }

    /// For commands that may run outside a package (`delete`, `invoke --remote`): the
    /// `swift-lambda.toml` of `packagePath` (or the current directory) when there is one.
    public static func client(
        packagePath: String?, flags: Layer, context: DeployContext, trace: (@Sendable (String) -> Void)? = nil
    ) async throws -> AWSClient {
        let root = FileSystem.absolute(packagePath ?? ".", relativeTo: context.build.currentDirectory)
        let configuration = try Configuration.load(
            root: root, environment: context.build.environment, currentDirectory: context.build.currentDirectory, flags: flags)
        try configuration.checkDeployValues()
        return try await client(configuration: configuration, context: context, trace: trace)
    }
}
