import Foundation
import GlibcCompat
import Testing

/// Finding a Swift SDK's sysroot in installed artifact bundles, by id or by triple.
@Suite struct SwiftSDKSysrootTests {
    /// Installs a bundle holding one SDK `id` with a sysroot for each triple.
    static func install(_ id: String, triples: [String], in sdks: String, absoluteRoot: String? = nil) throws {
        let bundle = "\(sdks)/\(id).artifactbundle"
        let variant = "\(id)/variant"
        try FileManager.default.createDirectory(atPath: "\(bundle)/\(variant)", withIntermediateDirectories: true)
        let info =
            #"{"schemaVersion":"1.0","artifacts":{"\#(id)":{"type":"swiftSDK","version":"1","variants":[{"path":"\#(variant)"}]}}}"#
        let entries = triples.map { #""\#($0)":{"sdkRootPath":"\#(absoluteRoot ?? "sysroot-\($0)")"}"# }
        let sdk = #"{"schemaVersion":"4.0","targetTriples":{\#(entries.joined(separator: ","))}}"#
        try info.write(toFile: "\(bundle)/info.json", atomically: true, encoding: .utf8)
        try sdk.write(toFile: "\(bundle)/\(variant)/swift-sdk.json", atomically: true, encoding: .utf8)
    }

    @Test func bySDKIdOrByTheOnlySDKForATriple() throws {
        let sdks = try TestProcess.temporaryDirectory("sdks")
        try Self.install("al2023-arm", triples: ["aarch64-unknown-linux-gnu"], in: sdks)
        try Self.install("static", triples: ["x86_64-swift-linux-musl", "aarch64-swift-linux-musl"], in: sdks)
        let arm = "aarch64-unknown-linux-gnu"
        #expect(
            try SwiftSDKSysroot.locate(sdk: "al2023-arm", triple: arm, sdksPath: sdks)
                == "\(sdks)/al2023-arm.artifactbundle/al2023-arm/variant/sysroot-\(arm)")
        // --swift-sdk defaults to the triple: one SDK supports it, so that one.
        #expect(try SwiftSDKSysroot.locate(sdk: arm, triple: arm, sdksPath: sdks).hasSuffix("/sysroot-\(arm)"))
        // An id without the triple, an unknown id, or a triple two SDKs support: not found.
        #expect(throws: CompatError.self) { try SwiftSDKSysroot.locate(sdk: "static", triple: arm, sdksPath: sdks) }
        #expect(throws: CompatError.self) { try SwiftSDKSysroot.locate(sdk: "missing", triple: arm, sdksPath: sdks) }
        try Self.install("second-arm", triples: [arm], in: sdks, absoluteRoot: "/opt/sysroot")
        #expect(throws: CompatError.self) { try SwiftSDKSysroot.locate(sdk: arm, triple: arm, sdksPath: sdks) }
        #expect(try SwiftSDKSysroot.locate(sdk: "second-arm", triple: arm, sdksPath: sdks) == "/opt/sysroot")
        #expect(throws: CompatError.self) {
            try SwiftSDKSysroot.locate(sdk: arm, triple: arm, sdksPath: "\(sdks)/nowhere")
        }
        #expect(SwiftSDKSysroot.defaultSDKsPath(environment: ["HOME": "/home/u"]) == "/home/u/.swiftpm/swift-sdks")
    }
}
