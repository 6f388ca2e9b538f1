import Foundation
import Testing

/// Issue 14, item 10 (SwiftPM's and cargo-lambda's conventions: -c, -X flags, --jobs, -q,
/// --color, -v on invoke and serve) and the configuration warnings of invoke and serve.
/// Only the -Xswiftc test compiles Swift code; the rest stop at parsing, --dry-run or a
/// missing artifact.
@Suite struct CLIConventionsTests {
    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    }

    @Test func invokeAndServePrintTheConfigurationsWarnings() throws {
        let directory = try Harness.temporaryDirectory(prefix: "warnings")
        let environment = Self.environment(["SWIFT_LAMBDA_LAMBDA_DRI": "out"])
        let warning = "warning: SWIFT_LAMBDA_LAMBDA_DRI is not a swift-lambda variable and is ignored; did you mean SWIFT_LAMBDA_LAMBDA_DIR?"
        for arguments in [["invoke", "missing"], ["serve", "missing"], ["invoke", "missing", "--lambda-dir", "elsewhere"]] {
            let result = try Harness.run(arguments, in: directory, environment: environment)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.standardError.contains(warning), "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("error: "), "\(arguments)")
        }
    }
}
