import Foundation

/// The sysroot of an installed Swift SDK for a triple: where its glibc and
/// libstdc++ are, which are the ones a `--swift-sdk` build links against.
///
/// Read from the installed bundles the way SwiftPM selects an SDK: an
/// artifact bundle (`*.artifactbundle/info.json`, schema 1.0) lists
/// `swiftSDK` artifacts by id, each variant holding a `swift-sdk.json`
/// (schema 3.0/4.0) whose `targetTriples[triple].sdkRootPath` is relative to
/// that file. `--swift-sdk X` names an artifact id or, when no id matches, a
/// triple that exactly one installed SDK supports.
public enum SwiftSDKSysroot {
    /// SwiftPM's default location on Linux.
    public static func defaultSDKsPath(environment: [String: String]) -> String? {
        environment["HOME"].map { "\($0)/.swiftpm/swift-sdks" }
    }

    public static func locate(sdk selector: String, triple: String, sdksPath: String) throws -> String {
        var byID: [String] = []
        var byTriple: [String] = []
        let bundles = ((try? FileManager.default.contentsOfDirectory(atPath: sdksPath)) ?? [])
            .filter { $0.hasSuffix(".artifactbundle") }.sorted()
        for bundle in bundles {
            let root = "\(sdksPath)/\(bundle)"
            guard
                let info = try? JSONDecoder().decode(
                    InfoJSON.self, from: Data(contentsOf: URL(fileURLWithPath: "\(root)/info.json")))
            else { continue }
            for (id, artifact) in info.artifacts.sorted(by: { $0.key < $1.key }) where artifact.type == "swiftSDK" {
                for variant in artifact.variants {
                    let directory = "\(root)/\(variant.path)"
                    guard
                        let sdk = try? JSONDecoder().decode(
                            SDKJSON.self, from: Data(contentsOf: URL(fileURLWithPath: "\(directory)/swift-sdk.json"))),
                        let rootPath = sdk.targetTriples[triple]?.sdkRootPath
                    else { continue }
                    let sysroot = rootPath.hasPrefix("/") ? rootPath : "\(directory)/\(rootPath)"
                    if id == selector { byID.append(sysroot) }
                    byTriple.append(sysroot)
                }
            }
        }
        if let sysroot = byID.first { return sysroot }
        if selector == triple, byTriple.count == 1, let sysroot = byTriple.first { return sysroot }
        throw CompatError.swiftSDKSysrootNotFound(sdk: selector, triple: triple, searched: sdksPath)
    }

    private struct InfoJSON: Decodable {
        struct Artifact: Decodable {
            struct Variant: Decodable { var path: String }
            var type: String
            var variants: [Variant]
        }
        var artifacts: [String: Artifact]
    }

    private struct SDKJSON: Decodable {
        struct Triple: Decodable { var sdkRootPath: String? }
        var targetTriples: [String: Triple]
    }
}
