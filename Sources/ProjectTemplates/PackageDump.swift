import Foundation
public import LambdaSupport

/// What `swift package dump-package` says a manifest declares: SwiftPM's own reading, which
/// needs no dependency resolution. `init` checks names against it and cross-checks the arrays
/// it edits, so products or targets added by code elsewhere in the file are never missed.
public struct PackageDump: Sendable, Equatable, Decodable {
    public var name: String
    public var products: [Product]
    public var targets: [Target]
    public var dependencies: [Dependency]
    public var platforms: [Platform]
    public var toolsVersion: ToolsVersion

    /// The manifest's `// swift-tools-version:`, as `major.minor.patch`.
    public struct ToolsVersion: Sendable, Equatable, Decodable {
        public var version: String

        enum CodingKeys: String, CodingKey { case version = "_version" }

        public var major: Int { Int(version.split(separator: ".").first ?? "") ?? 0 }
    }

    /// A product: its name and kind (`executable`, `library`, `plugin`, ...).
    public struct Product: Sendable, Equatable, Decodable {
        public var name: String
        public var kind: String

        enum CodingKeys: String, CodingKey { case name, type }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            // `"type": {"executable": null}` or `{"library": ["automatic"]}`: the key is the kind.
            let type = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .type)
            kind = type.allKeys.first?.stringValue ?? "unknown"
        }

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// A target: its name and SwiftPM's kind for it (`regular`, `executable`, `test`, ...).
    public struct Target: Sendable, Equatable, Decodable {
        public var name: String
        public var type: String
    }

    public struct Platform: Sendable, Equatable, Decodable {
        public var platformName: String
        public var version: String
    }

    /// A dependency of any kind (`sourceControl`, `fileSystem`, `registry`); only its identity matters here.
    public struct Dependency: Sendable, Equatable, Decodable {
        public var identity: String

        public init(from decoder: any Decoder) throws {
            let kinds = try decoder.singleValueContainer().decode([String: [Identity]].self)
            guard let identity = kinds.values.first?.first?.identity else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "no identity"))
            }
            self.identity = identity
        }

        struct Identity: Decodable { var identity: String }
    }

    /// Runs `swift package dump-package` in `packageRoot`.
    public static func load(packageRoot: String, swift: String, runner: any ProcessRunning) async throws -> PackageDump
    {
        let invocation = Invocation(
            executable: swift, arguments: ["package", "--package-path", packageRoot, "dump-package"])
        let output: CapturedOutput
        do {
            output = try await runner.capture(invocation)
        } catch let ProcessError.failed(_, _, _, standardError) {
            throw ProjectError.manifestFailed(path: packageRoot, diagnostics: standardError)
        }
        do {
            return try JSONDecoder().decode(PackageDump.self, from: Data(output.standardOutput))
        } catch {
            throw ProjectError.manifestUnreadable(path: packageRoot, reason: "\(error)")
        }
    }

    /// The macOS version the package declares; nil when it declares none (SwiftPM's default is older).
    public var macOSVersion: String? { platforms.first { $0.platformName == "macos" }?.version }
}

/// The identity SwiftPM gives a package dependency: the last component of its URL or path,
/// without `.git`, lowercased.
func packageIdentity(ofLocation location: String) -> String {
    var last = location.split(separator: "/").last.map(String.init) ?? location
    if last.hasSuffix(".git") { last.removeLast(4) }
    return last.lowercased()
}
