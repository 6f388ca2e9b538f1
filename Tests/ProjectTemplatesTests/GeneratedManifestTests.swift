import Foundation
import ProjectTemplates
import Testing

/// Each template's manifest, rendered, is loaded by SwiftPM itself (`dump-package` needs no
/// dependency resolution, so the runtime's packages need not be reachable).
@Suite struct GeneratedManifestTests {
    @Test(arguments: TemplateKind.allCases)
    func swiftPMLoadsTheManifestWithTheProductsAndTargetsExpected(kind: TemplateKind) async throws {
        let root = try TestSupport.temporaryDirectory("manifest-\(kind.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let names = try ProjectNames(package: "orders-api", product: "orders-api")
        let toolsVersion = "6.1"
        try TestSupport.write(
            try ProjectTemplate.bundled(kind).render(TemplateValues(names: names, swiftToolsVersion: toolsVersion)),
            to: root)

        let dump = try await TestSupport.dump(root)
        #expect(dump.name == "orders-api")
        #expect(dump.products.map(\.name) == ["orders-api"])
        #expect(dump.products.map(\.kind) == ["executable"])
        #expect(dump.targets.map(\.name) == ["OrdersApi", "OrdersApiTests"])
        #expect(dump.targets.map(\.type) == ["executable", "test"])
        let expectedDependencies: [String] =
            switch kind {
            case .function: ["swift-aws-lambda-runtime"]
            case .http: ["swift-aws-lambda-runtime", "swift-aws-lambda-events"]
            case .extension: []
            }
        #expect(dump.dependencies.map(\.identity) == expectedDependencies)
        #expect(dump.macOSVersion == (kind == .extension ? nil : "15.0"))
        let manifest = try String(contentsOfFile: "\(root)/Package.swift", encoding: .utf8)
        #expect(manifest.hasPrefix("// swift-tools-version: \(toolsVersion)\n"))
    }
}
