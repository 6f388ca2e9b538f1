public import Foundation

/// The Amazon ECR calls a push to a private ECR registry needs (JSON 1.1, version 2015-09-21):
/// ECR's registry speaks the OCI distribution API but takes no AWS signature, only a password
/// that GetAuthorizationToken hands out for 12 hours; and it does not create repositories on
/// push, so the pusher creates the one it pushes to.
public struct ECRAPI: Sendable {
    public var client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// The registry login GetAuthorizationToken gives: Basic credentials for the registry's host.
    public struct Authorization: Sendable, Equatable {
        /// Always `AWS` today; read from the token rather than assumed.
        public var username: String
        public var password: String
        public var expiresAt: Date?
        /// `https://<account>.dkr.ecr.<region>.amazonaws.com`.
        public var proxyEndpoint: String?

        public init(username: String, password: String, expiresAt: Date? = nil, proxyEndpoint: String? = nil) {
            self.username = username
            self.password = password
            self.expiresAt = expiresAt
            self.proxyEndpoint = proxyEndpoint
        }

        /// `authorizationToken` is base64 of `user:password`; nil when it is not.
        public static func decode(token: String) -> (username: String, password: String)? {
            guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return nil }
            let username = String(text[..<colon])
            let password = String(text[text.index(after: colon)...])
            return username.isEmpty || password.isEmpty ? nil : (username, password)
        }
    }

    public struct Repository: Decodable, Sendable, Equatable {
        public var repositoryName: String?
        public var repositoryUri: String?
        public var repositoryArn: String?
        public var registryId: String?
    }

    struct AuthorizationData: Decodable {
        var authorizationToken: String?
        var expiresAt: Double?
        var proxyEndpoint: String?
    }

    struct AuthorizationResponse: Decodable {
        var authorizationData: [AuthorizationData]?
    }

    struct RepositoryResponse: Decodable {
        var repository: Repository?
    }

    /// One JSON 1.1 call: POST / with the operation in `X-Amz-Target`.
    func call<Answer: Decodable>(_ operation: String, _ body: [String: JSONValue], as answer: Answer.Type) async throws
        -> Answer
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let response = try await client.send(
            .ecr, operation: operation, method: "POST", path: "/",
            headers: [
                HTTPHeader("Content-Type", "application/x-amz-json-1.1"),
                HTTPHeader("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.\(operation)"),
            ], body: try encoder.encode(body))
        do {
            return try JSONDecoder().decode(Answer.self, from: response.body.isEmpty ? Data("{}".utf8) : response.body)
        } catch {
            throw AWSError.malformedResponse(service: .ecr, operation: operation, reason: "\(error)")
        }
    }

    /// The login for `registryID`'s registry (the account id in its host name); nil asks for
    /// the caller's own account's.
    public func authorization(registryID: String? = nil) async throws -> Authorization {
        var body: [String: JSONValue] = [:]
        if let registryID { body["registryIds"] = .array([.string(registryID)]) }
        let answer = try await call("GetAuthorizationToken", body, as: AuthorizationResponse.self)
        guard let data = answer.authorizationData?.first, let token = data.authorizationToken else {
            throw AWSError.malformedResponse(
                service: .ecr, operation: "GetAuthorizationToken", reason: "no authorizationData in the answer")
        }
        guard let (username, password) = Authorization.decode(token: token) else {
            throw AWSError.malformedResponse(
                service: .ecr, operation: "GetAuthorizationToken",
                reason: "authorizationToken is not base64 of user:password")
        }
        return Authorization(
            username: username, password: password, expiresAt: data.expiresAt.map { Date(timeIntervalSince1970: $0) },
            proxyEndpoint: data.proxyEndpoint)
    }

    /// Creates `name` in `registryID`'s registry (nil: the caller's account). A repository that
    /// already exists (made by a parallel push) is not an error: the answer is then nil.
    @discardableResult
    public func createRepository(_ name: String, registryID: String? = nil) async throws -> Repository? {
        var body: [String: JSONValue] = ["repositoryName": .string(name)]
        if let registryID { body["registryId"] = .string(registryID) }
        do {
            return try await call("CreateRepository", body, as: RepositoryResponse.self).repository
        } catch let error as AWSError where error.code == "RepositoryAlreadyExistsException" {
            return nil
        }
    }
}
