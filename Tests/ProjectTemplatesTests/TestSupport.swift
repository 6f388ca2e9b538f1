import Compilers
import Foundation
import LambdaSupport
import ProjectTemplates

/// Paths and tools the template tests share.
enum TestSupport {
    /// This test target's folder (the golden files live under it).
    static var testsFolder: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().path }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static let environment = ProcessInfo.processInfo.environment

    static func swift() throws -> String { try Toolchain.locate(environment: environment).swift }

    static var runner: SubprocessRunner { SubprocessRunner(environment: environment) }

    /// A fresh directory of the test's own.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-lambda-\(prefix)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ files: [TemplateFile], to root: String) throws {
        for file in files {
            let path = "\(root)/\(file.path)"
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    /// `swift package dump-package` in `root`, decoded.
    static func dump(_ root: String) async throws -> PackageDump {
        try await PackageDump.load(packageRoot: root, swift: try swift(), runner: runner)
    }

    /// The names every golden rendering uses.
    static func goldenValues() throws -> TemplateValues {
        TemplateValues(
            names: try ProjectNames(package: "hello-world", product: "hello-world"), swiftToolsVersion: "6.3")
    }
}
