/// The IAM calls behind the `swift-lambda-execution` role (query protocol, version 2010-05-08).
public struct IAMAPI: Sendable {
    public var client: AWSClient
    static let version = "2010-05-08"

    public init(client: AWSClient) { self.client = client }

    func call(_ action: String, _ parameters: [(name: String, value: String)]) async throws -> XMLTree {
        try await client.query(.iam, action: action, version: Self.version, parameters: parameters)
    }

    /// The role's ARN, nil when there is no such role.
    public func roleARN(_ name: String) async throws -> String? {
        do {
            let answer = try await call("GetRole", [("RoleName", name)])
            guard let arn = answer.first("Role")?["Arn"]?.text else {
                throw AWSError.malformedResponse(service: .iam, operation: "GetRole", reason: "no Role/Arn")
            }
            return arn
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
    }

    public func createRole(name: String, trustPolicy: String, description: String) async throws -> String {
        let answer = try await call(
            "CreateRole", [("RoleName", name), ("AssumeRolePolicyDocument", trustPolicy), ("Description", description)])
        guard let arn = answer.first("Role")?["Arn"]?.text else {
            throw AWSError.malformedResponse(service: .iam, operation: "CreateRole", reason: "no Role/Arn")
        }
        return arn
    }

    public func attachRolePolicy(role: String, policyARN: String) async throws {
        _ = try await call("AttachRolePolicy", [("RoleName", role), ("PolicyArn", policyARN)])
    }

    public func attachedPolicies(role: String) async throws -> [String] {
        let answer = try await call("ListAttachedRolePolicies", [("RoleName", role)])
        return answer.first("AttachedPolicies")?.all("member").compactMap { $0["PolicyArn"]?.text } ?? []
    }

    public func detachRolePolicy(role: String, policyARN: String) async throws {
        _ = try await call("DetachRolePolicy", [("RoleName", role), ("PolicyArn", policyARN)])
    }

    public func deleteRole(_ name: String) async throws {
        _ = try await call("DeleteRole", [("RoleName", name)])
    }
}

/// The STS calls: who the credentials are, and the two ways of assuming a role.
public struct STSAPI: Sendable {
    public var client: AWSClient
    static let version = "2011-06-15"

    public init(client: AWSClient) { self.client = client }

    public struct Identity: Sendable, Equatable {
        public var account: String
        public var arn: String
    }

    public func callerIdentity() async throws -> Identity {
        let answer = try await client.query(.sts, action: "GetCallerIdentity", version: Self.version)
        guard let account = answer.first("Account")?.text, let arn = answer.first("Arn")?.text else {
            throw AWSError.malformedResponse(service: .sts, operation: "GetCallerIdentity", reason: "no Account or Arn")
        }
        return Identity(account: account, arn: arn)
    }

    /// AssumeRole, signed with the client's credentials.
    public func assumeRole(
        arn: String, sessionName: String, externalID: String? = nil, durationSeconds: Int? = nil, source: String
    ) async throws -> AWSCredentials {
        var parameters: [(name: String, value: String)] = [("RoleArn", arn), ("RoleSessionName", sessionName)]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let answer = try await client.query(.sts, action: "AssumeRole", version: Self.version, parameters: parameters)
        return try Self.credentials(answer, operation: "AssumeRole", source: source)
    }

    /// AssumeRoleWithWebIdentity: the token is the credential, so the request is not signed.
    public func assumeRoleWithWebIdentity(arn: String, sessionName: String, token: String, source: String) async throws -> AWSCredentials {
        let answer = try await client.query(
            .sts, action: "AssumeRoleWithWebIdentity", version: Self.version,
            parameters: [("RoleArn", arn), ("RoleSessionName", sessionName), ("WebIdentityToken", token)], signed: false)
        return try Self.credentials(answer, operation: "AssumeRoleWithWebIdentity", source: source)
    }

    static func credentials(_ answer: XMLTree, operation: String, source: String) throws -> AWSCredentials {
        guard let element = answer.first("Credentials"), let key = element["AccessKeyId"]?.text,
            let secret = element["SecretAccessKey"]?.text
        else {
            throw AWSError.malformedResponse(service: .sts, operation: operation, reason: "no Credentials")
        }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: element["SessionToken"]?.text,
            expiration: element["Expiration"].flatMap { ISO8601.date($0.text) }, source: source)
    }
}
