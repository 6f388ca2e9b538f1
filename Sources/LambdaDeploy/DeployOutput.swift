import Foundation

/// The summary table and the JSON lines of `deploy`.
public enum DeployOutput {
    /// One line per function as it finishes, on standard error.
    public static func progress(_ report: DeployReport, dryRun: Bool) -> String {
        let verb = dryRun ? (report.action == .unchanged ? "unchanged" : "would be \(report.action.rawValue)") : report.action.rawValue
        let details = report.changes.isEmpty ? "" : " (\(report.changes.joined(separator: "; ")))"
        let upload = report.uploadedBytes > 0 ? ", \(byteCount(report.uploadedBytes)) \(dryRun ? "to upload" : "uploaded")" : ""
        return "\(report.kind == .extension ? "layer " : "")\(report.name): \(verb)\(details)\(upload)"
            + String(format: " in %.1f s", report.seconds)
    }

    /// The table printed at the end: function, action, version, CodeSha256, URL; and the image
    /// pinned by its digest when any function is an image.
    public static func table(_ reports: [DeployReport], dryRun: Bool) -> [String] {
        let images = reports.contains { $0.imageURI != nil }
        let header = ["NAME", "KIND", dryRun ? "WOULD BE" : "ACTION", "VERSION", "CODE SHA256"] + (images ? ["IMAGE"] : []) + ["URL"]
        let rows = reports.map { report in
            [report.name, report.kind.rawValue, report.action.rawValue, report.version ?? "-", report.codeSha256]
                + (images ? [report.imageURI ?? "-"] : []) + [report.url ?? "-"]
        }
        let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    struct Deployed: Encodable {
        var reason = "deployed"
        var name: String
        var kind: String
        var action: String
        var arn: Nullable<String>
        var code_sha256: String
        var version: Nullable<String>
        var alias: Nullable<String>
        var url: Nullable<String>
        var image_uri: Nullable<String>
        var changes: [String]
        var uploaded_bytes: Int
        var dry_run: Bool
    }

    /// A value written as `null` when absent: an optional's key would be left out, and a reader
    /// of the stream relies on every deployed line having `arn`, `version`, `alias` and `url`.
    struct Nullable<Value: Encodable>: Encodable {
        var value: Value?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let value { try container.encode(value) } else { try container.encodeNil() }
        }
    }

    struct Finished: Encodable {
        var reason = "deploy-finished"
        var success: Bool
        var dry_run: Bool
        var created: Int
        var updated: Int
        var unchanged: Int
        var uploaded_bytes: Int
        var elapsed_seconds: Double
        var error: String?
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static func json(_ report: DeployReport, dryRun: Bool) -> String {
        encode(Deployed(
            name: report.name, kind: report.kind.rawValue, action: report.action.rawValue, arn: Nullable(value: report.arn),
            code_sha256: report.codeSha256, version: Nullable(value: report.version),
            alias: Nullable(value: report.alias), url: Nullable(value: report.url),
            image_uri: Nullable(value: report.imageURI), changes: report.changes,
            uploaded_bytes: report.uploadedBytes, dry_run: dryRun))
    }

    public static func finished(_ reports: [DeployReport], dryRun: Bool, seconds: Double, error: String? = nil) -> String {
        func count(_ action: FunctionPlan.Action) -> Int { reports.filter { $0.action == action }.count }
        return encode(Finished(
            success: error == nil, dry_run: dryRun, created: count(.created), updated: count(.updated), unchanged: count(.unchanged),
            uploaded_bytes: dryRun ? 0 : reports.map(\.uploadedBytes).reduce(0, +), elapsed_seconds: (seconds * 1000).rounded() / 1000,
            error: error))
    }

    static func byteCount(_ bytes: Int) -> String {
        bytes < 1024 * 1024 ? String(format: "%.1f KB", Double(bytes) / 1024) : String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
