public import AWSClient

/// The `swift-lambda-execution` role: looked up once per run, created when missing (trust
/// policy for Lambda, `AWSLambdaBasicExecutionRole` attached), shared by every function deployed
/// without `--iam-role`.
public actor ExecutionRole {
    public static let name = "swift-lambda-execution"
    static let trustPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}
        """

    public static func basicExecutionPolicy(partition: String) -> String {
        "arn:\(partition):iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    }

    public struct Resolved: Sendable, Equatable {
        public var arn: String
        /// Created by this run: IAM takes a few seconds before Lambda may assume it.
        public var createdNow: Bool
        /// A dry run found no role: it would be created.
        public var wouldCreate: Bool
    }

    let iam: IAMAPI
    let sts: STSAPI
    let dryRun: Bool
    private var resolved: Task<Resolved, any Error>?

    public init(client: AWSClient, dryRun: Bool) {
        iam = IAMAPI(client: client)
        sts = STSAPI(client: client)
        self.dryRun = dryRun
    }

    public func resolve() async throws -> Resolved {
        if let resolved { return try await resolved.value }
        let task = Task { [iam, sts, dryRun] in
            if let arn = try await iam.roleARN(Self.name) { return Resolved(arn: arn, createdNow: false, wouldCreate: false) }
            if dryRun {
                let account = try await sts.callerIdentity().account
                let partition = iam.client.endpoints.partition
                return Resolved(arn: "arn:\(partition):iam::\(account):role/\(Self.name)", createdNow: false, wouldCreate: true)
            }
            let arn = try await iam.createRole(
                name: Self.name, trustPolicy: Self.trustPolicy, description: "Runs functions deployed by swift-lambda")
            try await iam.attachRolePolicy(role: Self.name, policyARN: Self.basicExecutionPolicy(partition: iam.client.endpoints.partition))
            return Resolved(arn: arn, createdNow: true, wouldCreate: false)
        }
        resolved = task
        return try await task.value
    }

    /// Whether `arn` names this role (in any account).
    public static func isExecutionRole(_ arn: String?) -> Bool {
        arn?.hasSuffix(":role/\(name)") == true
    }
}
