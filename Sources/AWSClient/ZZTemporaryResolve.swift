// TEMPORARY until the credential chain lands (deploy-creds); removed at merge.
import Foundation

extension AWSClient {
    public static func resolve(
        region flag: String?, profile: String?, endpointURL: String?, environment: [String: String], home: String,
        transport: any HTTPTransport = URLSessionTransport(), trace: (@Sendable (String) -> Void)? = nil
    ) async throws -> AWSClient {
        let region = flag ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let endpoints = AWSEndpoints(region: region, override: endpointURL.flatMap(URL.init(string:)), environment: environment)
        guard let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
            throw AWSError.noCredentials(looked: ["environment"])
        }
        return AWSClient(
            region: region, endpoints: endpoints,
            credentials: StaticCredentials(AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"], source: "environment")),
            transport: transport, trace: trace)
    }
}
