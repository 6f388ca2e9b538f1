/// The version of the Swift toolchain on PATH, from `swift --version`.
public struct ToolchainVersion: Sendable, Equatable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Reads "Swift version 6.3.1 (swift-6.3.1-RELEASE)"; nil when there is
    /// no such line (a development snapshot names no release).
    public static func parse(swiftVersionOutput output: String) -> ToolchainVersion? {
        guard let range = output.range(of: "Swift version ") else { return nil }
        let numbers = output[range.upperBound...].prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
        guard numbers.count >= 2 else { return nil }
        return ToolchainVersion(major: numbers[0], minor: numbers[1], patch: numbers.count > 2 ? numbers[2] : 0)
    }

    /// "6.3.1", or "6.3" for an x.y.0 release (swift.org's file names).
    public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }

    /// The Static Linux SDK bundle version released with this toolchain
    /// (swift.org: 0.0.1 for Swift 6.0 to 6.2, 0.1.0 for 6.3.x).
    public var staticSDKBundleVersion: String? {
        guard major == 6 else { return nil }
        switch minor {
        case 0...2: return "0.0.1"
        case 3: return "0.1.0"
        default: return nil
        }
    }
}

/// How to get a Swift SDK that builds a target, for error messages.
public struct SDKInstallHint: Sendable, Equatable, CustomStringConvertible {
    /// The target triple.
    public var target: String
    public var version: ToolchainVersion?

    public init(target: some CustomStringConvertible, version: ToolchainVersion?) {
        self.target = target.description
        self.version = version
    }

    /// Where swift.org publishes the SDK bundles and their checksums.
    public static let checksumsPage = "https://www.swift.org/install/linux/"

    /// The exact command installing the Static Linux SDK that matches the
    /// toolchain, when one is known for it.
    public var staticSDKInstallCommand: String? {
        guard let version, let bundle = version.staticSDKBundleVersion else { return nil }
        let release = "swift-\(version)-RELEASE"
        let url = "https://download.swift.org/\(release.lowercased())/static-sdk/\(release)/\(release)_static-linux-\(bundle).artifactbundle.tar.gz"
        return "swift sdk install \(url) --checksum <the SHA-256 published beside it on \(Self.checksumsPage)>"
    }

    public var description: String {
        if target.hasSuffix("-swift-linux-musl") {
            if let command = staticSDKInstallCommand { return "install the Static Linux SDK: \(command)" }
            return "install the Static Linux SDK matching your Swift version (see \(Self.checksumsPage))"
        }
        // The Static Linux SDK needs no Docker and no glibc SDK: name it first, with the triple it builds.
        let musl = "\(target.prefix { $0 != "-" })-swift-linux-musl"
        let staticSDK = staticSDKInstallCommand.map { "`\($0)`" }
            ?? "the Static Linux SDK matching your Swift version (see \(Self.checksumsPage))"
        return "without Docker, install \(staticSDK) and build with --target \(musl); or install a glibc Swift SDK for \(target) (for example one made with swift-sdk-generator for Amazon Linux 2023) and pass --swift-sdk ID; or use --compiler docker"
    }
}
