public import AWSClient
public import Foundation

/// `swift-lambda delete`: each function with its aliases and URL configs, then the
/// `swift-lambda-execution` role when no function uses it any more (unless kept).
public struct DeleteWorkflow: Sendable {
    public var client: AWSClient
    public var keepRole: Bool
    public var dryRun: Bool

    public init(client: AWSClient, keepRole: Bool, dryRun: Bool = false) {
        self.client = client
        self.keepRole = keepRole
        self.dryRun = dryRun
    }

    public struct Result: Sendable, Equatable {
        public var deleted: [String]
        /// The role removed, nil when kept, in use, or not one of swift-lambda's.
        public var removedRole: String?
        /// Why the role stayed, for the summary.
        public var roleKept: String?
    }

    /// Every name is looked up first: a missing one stops the run before anything is deleted.
    public func run(names: [String]) async throws -> Result {
        let lambda = LambdaAPI(client: client)
        var roles: [String] = []
        for name in names {
            guard let function = try await lambda.getFunction(name) else { throw DeployError.noSuchFunction(name, region: client.region) }
            roles.append(function.Configuration.Role ?? "")
        }
        if dryRun { return Result(deleted: names, removedRole: nil, roleKept: "dry run") }
        for name in names {
            // DeleteFunction takes these with it on AWS; removing them first leaves nothing behind on
            // emulators that do not.
            for alias in try await lambda.listAliases(function: name) {
                if let aliasName = alias.Name {
                    try await Self.ignoringMissing { try await lambda.deleteFunctionURLConfig(function: name, qualifier: aliasName) }
                    try await lambda.deleteAlias(function: name, name: aliasName)
                }
            }
            try await Self.ignoringMissing { try await lambda.deleteFunctionURLConfig(function: name, qualifier: nil) }
            try await lambda.deleteFunction(name)
        }
        guard roles.contains(where: ExecutionRole.isExecutionRole) else { return Result(deleted: names, removedRole: nil, roleKept: nil) }
        if keepRole { return Result(deleted: names, removedRole: nil, roleKept: "--keep-role") }
        let users = try await lambda.listFunctions().filter { ExecutionRole.isExecutionRole($0.Role) }.compactMap(\.FunctionName)
        if !users.isEmpty {
            return Result(deleted: names, removedRole: nil, roleKept: "still used by \(users.sorted().joined(separator: ", "))")
        }
        let iam = IAMAPI(client: client)
        for policy in try await iam.attachedPolicies(role: ExecutionRole.name) {
            try await iam.detachRolePolicy(role: ExecutionRole.name, policyARN: policy)
        }
        try await iam.deleteRole(ExecutionRole.name)
        return Result(deleted: names, removedRole: ExecutionRole.name, roleKept: nil)
    }
}

extension DeleteWorkflow {
    /// A URL config that is not there is what delete wants; any other error is reported.
    static func ignoringMissing(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as AWSError where error.isNotFound {
        }
    }
}

/// `swift-lambda invoke NAME --remote`: Invoke on the deployed function.
public struct RemoteInvocation: Sendable {
    public var client: AWSClient

    public init(client: AWSClient) { self.client = client }

    public struct Outcome: Sendable, Equatable {
        public var payload: Data
        /// The function failed: the payload is its error object.
        public var functionError: String?
        public var executedVersion: String?
        public var logTail: String?
    }

    public func run(function: String, qualifier: String?, payload: Data, logTail: Bool) async throws -> Outcome {
        let result = try await LambdaAPI(client: client).invoke(function: function, qualifier: qualifier, payload: payload, logTail: logTail)
        return Outcome(
            payload: result.payload, functionError: result.functionError, executedVersion: result.executedVersion, logTail: result.logTail)
    }
}
