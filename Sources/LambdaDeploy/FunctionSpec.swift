/// What a function should be on Lambda after a deploy, from the artifact and the settings.
/// nil means "not set anywhere": a new function gets Lambda's default, an existing one keeps
/// what it has (so a memory size set in the console survives a deploy that does not name one).
public struct FunctionSpec: Sendable, Equatable {
    public var name: String
    /// `x86_64` or `arm64`, from the ELF.
    public var architecture: String
    /// Base64 SHA-256 of the zip: Lambda's `CodeSha256`. For an image, the manifest digest's hex,
    /// which is what Lambda reports as an image function's `CodeSha256`.
    public var codeSha256: String
    /// An image function (`PackageType: Image`): the image pinned by its manifest digest,
    /// `REGISTRY/REPOSITORY@sha256:<hex>`, so the function runs exactly what was pushed. Lambda
    /// takes no runtime, handler or layers for an image; they are neither sent nor compared.
    public var imageURI: String?
    public var runtime: String
    /// nil: the function's role, or `swift-lambda-execution` for a new function.
    public var role: String?
    public var memory: Int?
    public var timeout: Int?
    /// Replaces the function's whole set when given (flags, `--env-file` and the file merged).
    public var environment: [String: String]?
    /// Layer version ARNs (names resolved before planning), in order.
    public var layers: [String]?
    public var tags: [String: String]
    public var description: String?
    public var publish: Bool
    public var alias: String?
    /// `none` or `iam` when a function URL is wanted.
    public var functionURLAuth: String?

    public init(
        name: String, architecture: String, codeSha256: String, runtime: String = "provided.al2023", role: String? = nil,
        memory: Int? = nil, timeout: Int? = nil, environment: [String: String]? = nil, layers: [String]? = nil,
        tags: [String: String] = [:], description: String? = nil, publish: Bool = false, alias: String? = nil,
        functionURLAuth: String? = nil, imageURI: String? = nil
    ) {
        self.imageURI = imageURI
        self.name = name
        self.architecture = architecture
        self.codeSha256 = codeSha256
        self.runtime = runtime
        self.role = role
        self.memory = memory
        self.timeout = timeout
        self.environment = environment
        self.layers = layers
        self.tags = tags
        self.description = description
        self.publish = publish
        self.alias = alias
        self.functionURLAuth = functionURLAuth
    }

    public var isImage: Bool { imageURI != nil }

    /// Lambda's `PackageType` for this function.
    public var packageType: String { isImage ? "Image" : "Zip" }

    /// Lambda runs `bootstrap` for a custom runtime; the handler is only a name passed to it.
    public static let handler = "bootstrap"
}
