import Archiver
import BuildPlanner
import Compilers
import Foundation
import LambdaChecks
import LambdaConfig
import LambdaSupport

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
        /// False for an artifact that failed the checks and was not written.
        var written = true
        var image: Image? = nil
    }

    /// `--output-format image`: the image.tar, its name and manifest digest, sizes, where it was pushed.
    struct Image: Encodable {
        var path: String
        var reference: String
        var digest: String
        var compressed_size: Int64
        var uncompressed_size: Int64
        var pushed: String?

        init(_ image: WrittenImage) {
            path = image.path
            reference = image.reference
            digest = image.manifestDigest
            compressed_size = image.compressedSize
            uncompressed_size = image.uncompressedSize
            pushed = image.pushed
        }
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

    /// A build that stopped with an error: the last line, as `build-finished` ends a run that completed.
    struct Failed: Encodable {
        var reason = "build-finished"
        var success = false
        var error: String
    }

    /// `--print-config`: every table's resolved settings.
    struct Config: Encodable {
        var reason = "configuration"
        var files: [String]
        var tables: [ConfigTable]
    }

    struct ConfigTable: Encodable {
        var table: String
        var settings: [String: ConfigValue]
    }

    struct ConfigValue: Encodable {
        var value: Value?
        var origins: [String]?
        var `default`: String?
    }

    /// A setting's value as JSON: a boolean, a string, an array of strings, an integer or an object of strings.
    struct Value: Encodable {
        var setting: SettingValue
        init(_ setting: SettingValue) { self.setting = setting }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch setting {
            case .bool(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .list(let values): try container.encode(values)
            case .integer(let value): try container.encode(value)
            case .table(let entries): try container.encode(entries)
            }
        }
    }

    /// `--dry-run`: one per package, what would be compiled and written.
    struct Plan: Encodable {
        var reason = "plan"
        var package: String
        var path: String
        var configuration: String
        var target: String
        var compiler: String
        var commands: [[String]]
        var artifacts: [PlannedArtifactRecord]
    }

    struct PlannedArtifactRecord: Encodable {
        var name: String
        var kind: String
        var targets: [String]
        var executable: String
        var source: String
        var strip: Bool
        var files: [PlannedFile]
        var zip_path: String?
        var image_path: String?
    }

    /// A bundle or include: where it goes and where it comes from.
    struct PlannedFile: Encodable {
        var path: String
        var source: String
    }

    static func plan(_ plan: BuildPlan, builds: [Invocation], backend: CompilerName, target: LambdaTarget) -> String {
        encode(Plan(
            package: plan.packageName, path: plan.packagePath, configuration: plan.configuration.rawValue, target: target.triple,
            compiler: backend.rawValue, commands: builds.map { [$0.executable] + $0.arguments },
            artifacts: plan.artifacts.map { artifact in
                PlannedArtifactRecord(
                    name: artifact.product, kind: kindName(artifact.kind), targets: artifact.targets, executable: artifact.executable,
                    source: artifact.sourceBinary, strip: artifact.stripsSymbols,
                    files: artifact.bundles.map { PlannedFile(path: "\(artifact.root)/\(artifact.layout.bundlePath($0))", source: $0.source) }
                        + artifact.includes.map { PlannedFile(path: "\(artifact.root)/\($0.destination)", source: $0.source) },
                    zip_path: artifact.zip?.path, image_path: artifact.image)
            }))
    }

    static func failed(_ error: any Error) -> String { encode(Failed(error: "\(error)")) }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// `rejected` are the artifacts that failed the checks and were not written, with their findings.
    static func lines(
        _ artifacts: [WrittenArtifact], rejected: [WrittenArtifact] = [], target: LambdaTarget, configuration: String,
        elapsed: Duration, failed: [String]
    ) -> [String] {
        var lines = (artifacts.map { ($0, true) } + rejected.map { ($0, false) }).map { artifact, written in
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
                bundled_libraries: artifact.bundledLibraries, written: written, image: artifact.image.map(Image.init)))
        }
        lines.append(encode(Summary(
            success: failed.isEmpty, configuration: configuration, target: target.triple, artifacts: artifacts.count,
            failed_checks: failed, elapsed_seconds: (seconds(elapsed) * 1000).rounded() / 1000)))
        return lines
    }
}
