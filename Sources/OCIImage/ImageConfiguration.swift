/// The two architectures Lambda runs, named as OCI (and Go's GOARCH) names them.
public enum ImageArchitecture: String, Sendable, Hashable, Codable, CaseIterable {
    case amd64
    case arm64
}

/// What the runtime starts: the config's `config` object. Only the fields a Lambda image uses;
/// an unset field is left out of the JSON rather than written as `null`.
public struct ContainerConfig: Sendable, Hashable, Codable {
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var workingDir: String?
    /// `KEY=VALUE` strings, in the order given (the order is part of the digest).
    public var env: [String]?

    public init(entrypoint: [String]? = nil, cmd: [String]? = nil, workingDir: String? = nil, env: [String]? = nil) {
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.workingDir = workingDir
        self.env = env
    }

    enum CodingKeys: String, CodingKey {
        case entrypoint = "Entrypoint"
        case cmd = "Cmd"
        case workingDir = "WorkingDir"
        case env = "Env"
    }
}

/// The image configuration (`application/vnd.oci.image.config.v1+json`). It has no `created`
/// and no `history`: both carry the time of the build, and the config's digest is the image's
/// identity, so they would make every rebuild a new image.
public struct ImageConfiguration: Sendable, Hashable, Codable {
    public var architecture: ImageArchitecture
    public var os: String
    public var config: ContainerConfig
    public var rootfs: RootFS

    public struct RootFS: Sendable, Hashable, Codable {
        /// Always "layers".
        public var type: String
        /// The uncompressed layers' digests, bottom layer first.
        public var diffIDs: [Digest]

        public init(diffIDs: [Digest]) {
            type = "layers"
            self.diffIDs = diffIDs
        }

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }
    }

    public init(architecture: ImageArchitecture, config: ContainerConfig, diffIDs: [Digest]) {
        self.architecture = architecture
        os = "linux"
        self.config = config
        rootfs = RootFS(diffIDs: diffIDs)
    }

    /// `config` is optional in the image spec (an image built `FROM scratch` may have none).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        architecture = try container.decode(ImageArchitecture.self, forKey: .architecture)
        os = try container.decode(String.self, forKey: .os)
        config = try container.decodeIfPresent(ContainerConfig.self, forKey: .config) ?? ContainerConfig()
        rootfs = try container.decode(RootFS.self, forKey: .rootfs)
    }

    enum CodingKeys: String, CodingKey {
        case architecture, os, config, rootfs
    }
}
