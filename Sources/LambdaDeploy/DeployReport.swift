/// What happened to one function or extension, for the summary and `--message-format json`.
public struct DeployReport: Sendable, Equatable {
    public typealias Kind = DeployableArtifact.Kind

    public var name: String
    public var kind: Kind
    public var action: FunctionPlan.Action
    /// The function's ARN, or the layer version's.
    public var arn: String?
    public var codeSha256: String
    /// `$LATEST`, a published version's number, or the layer version.
    public var version: String?
    public var alias: String?
    public var url: String?
    /// An image function's image, pinned by its digest.
    public var imageURI: String?
    /// What was (or, in a dry run, would be) created or changed, one phrase each.
    public var changes: [String]
    /// Zip bytes sent to Lambda or S3; for an image, blob bytes sent to the registry.
    public var uploadedBytes: Int
    public var seconds: Double

    public init(
        name: String, kind: Kind, action: FunctionPlan.Action, arn: String?, codeSha256: String, version: String?,
        alias: String? = nil, url: String? = nil, changes: [String], uploadedBytes: Int, seconds: Double = 0,
        imageURI: String? = nil
    ) {
        self.imageURI = imageURI
        self.name = name
        self.kind = kind
        self.action = action
        self.arn = arn
        self.codeSha256 = codeSha256
        self.version = version
        self.alias = alias
        self.url = url
        self.changes = changes
        self.uploadedBytes = uploadedBytes
        self.seconds = seconds
    }
}
