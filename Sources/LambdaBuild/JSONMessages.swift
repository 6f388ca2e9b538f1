import Archiver
import BuildPlanner
import Foundation
import LambdaChecks

/// `--message-format json`: one JSON object per line on standard output, one
/// per artifact and a final summary, so CI and deploy scripts read results
/// without scraping the human summary (which moves to nothing; progress
/// stays on standard error).
enum JSONMessages {
    struct Artifact: Encodable {
        var reason = "artifact"
        var name: String
        var kind: String
        var architecture: String
        var target: String
        var path: String
        var size: Int64
        var zip_path: String?
        var zip_size: Int64?
        var sha256: String?
        var sha256_base64: String?
        var checks: Checks?
        var bundled_libraries: [String]
    }

    struct Checks: Encodable {
        var passed: Bool
        var highest_glibc: String?
        var highest_glibcxx: String?
        var libraries: [Library]
        var findings: [Message]
    }

    struct Library: Encodable {
        var soname: String
        var bundled: Bool
    }

    struct Message: Encodable {
        var severity: String
        var message: String
    }

    struct Summary: Encodable {
        var reason = "build-finished"
        var success: Bool
        var configuration: String
        var target: String
        var artifacts: Int
        var failed_checks: [String]
        var elapsed_seconds: Double
    }

    static func lines(
        _ artifacts: [WrittenArtifact], target: LambdaTarget, configuration: BuildConfiguration, elapsed: Duration,
        failed: [String]
    ) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func encode(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        var lines = artifacts.map { artifact in
            encode(Artifact(
                name: artifact.product, kind: kindName(artifact.kind), architecture: artifact.architecture,
                target: target.triple, path: artifact.path, size: artifact.size, zip_path: artifact.zip?.path,
                zip_size: artifact.zip?.size, sha256: artifact.zip?.sha256Hex, sha256_base64: artifact.zip?.sha256Base64,
                checks: artifact.readiness.map { report in
                    Checks(
                        passed: report.passed, highest_glibc: report.highestGLIBC, highest_glibcxx: report.highestGLIBCXX,
                        libraries: report.libraries.map { Library(soname: $0.soname, bundled: $0.bundled) },
                        findings: report.findings.map { Message(severity: $0.severity == .error ? "error" : "warning", message: $0.description) })
                },
                bundled_libraries: artifact.bundledLibraries))
        }
        lines.append(encode(Summary(
            success: failed.isEmpty, configuration: configuration.rawValue, target: target.triple, artifacts: artifacts.count,
            failed_checks: failed, elapsed_seconds: (seconds(elapsed) * 1000).rounded() / 1000)))
        return lines
    }
}
