public import Foundation
public import LambdaSupport

/// The region as the SDKs pick it: `--region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`,
/// else the profile's `region` in the config file. An empty value counts as unset.
public enum AWSRegionResolver {
    public static func resolve(flag: String?, environment: [String: String], profileRegion: String?) throws -> String {
        let candidates = [flag, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"], profileRegion]
        guard let region = candidates.lazy.compactMap({ $0?.trimmingWhitespace }).first(where: { !$0.isEmpty }) else {
            throw AWSError.noRegion
        }
        try validate(region)
        return region
    }

    /// A known region, or a well-formed one newer than `AWSRegions.known`. Refused: a malformed
    /// name, and one whose name part is a typo of a known region's (`us-est-1`); a known name
    /// with another number (`ap-southeast-9`) passes, as AWS adds regions that way.
    public static func validate(_ region: String) throws {
        if AWSRegions.known.contains(region) { return }
        let suggestion = Suggestion.nearest(to: region, among: AWSRegions.known)
        guard AWSRegions.isWellFormed(region) else { throw AWSError.badRegion(region, suggestion: suggestion) }
        if let suggestion, stem(suggestion) != stem(region) { throw AWSError.badRegion(region, suggestion: suggestion) }
    }

    /// `us-east` of `us-east-1`.
    static func stem(_ region: String) -> Substring { region[..<(region.lastIndex(of: "-") ?? region.endIndex)] }
}

extension AWSClient {
    /// The client a command makes from its connection flags: the profile (`--profile`, else
    /// `AWS_PROFILE`, else `default`) read once from the shared files, the region
    /// (`AWSRegionResolver`), the endpoints (`--endpoint-url`, the SDKs' variables, the profile's
    /// `endpoint_url`), and a `CredentialChain` on those endpoints, which finds credentials at the
    /// first signed call (call `client.credentials.credentials()` to fail early). A profile named
    /// by `--profile` or `AWS_PROFILE` that does not exist is an error here, as in the AWS CLI.
    /// The parameters after `trace` are for tests.
    public static func resolve(
        region flag: String?, profile: String?, endpointURL: String?, environment: [String: String], home: String,
        transport: any HTTPTransport = URLSessionTransport(), trace: (@Sendable (String) -> Void)? = nil,
        runner: (any ProcessRunning)? = nil,
        readFile: @escaping @Sendable (String) throws -> Data? = CredentialChain.readFileFromDisk,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> AWSClient {
        let (name, isExplicit) = CredentialChain.profile(flag: profile, environment: environment)
        let config = try AWSSharedConfig.load(environment: environment, home: home, readFile: readFile)
        let selected = config.profile(name)
        if selected == nil, isExplicit {
            throw AWSError.profileNotFound(name: name, files: [config.credentialsPath, config.configPath], existing: config.profileNames)
        }
        let region = try AWSRegionResolver.resolve(flag: flag, environment: environment, profileRegion: selected?["region"])
        var endpointEnvironment = environment
        if selected?["ignore_configured_endpoint_urls"]?.lowercased() == "true" {
            endpointEnvironment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        }
        let endpoints = AWSEndpoints(
            region: region, override: try endpointURL.nonEmpty.map(checkedEndpoint), environment: endpointEnvironment,
            configured: try selected?["endpoint_url"].map(checkedEndpoint))
        let chain = CredentialChain(
            profile: profile, environment: environment, home: home, endpoints: endpoints, transport: transport, runner: runner,
            readFile: readFile, now: now, trace: trace)
        return AWSClient(region: region, endpoints: endpoints, credentials: chain, transport: transport, trace: trace, now: now)
    }

    /// An http or https URL with a host.
    static func checkedEndpoint(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw AWSError.badEndpoint(text)
        }
        return url
    }
}
