import Foundation
import LambdaTestSupport
import Testing

/// `deploy --affected-since`: a CI job deploys what a change affects, decided as `list` and
/// `build` decide it, on the monorepo of `ListCLITests` (in a temporary git repository).
extension DeployCLITests {
    @Test func affectedSinceDeploysOnlyWhatTheChangeAffects() async throws {
        let examples = try await DeployFacts.examplesLambdaDirectory()
        let root = try ListCLITests.monorepo()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Each function's artifact is the Examples' real echo bootstrap: the test is about which
        // ones are deployed, and compiling the monorepo would cost minutes for nothing more.
        for name in ["orders", "refunds", "users"] {
            try Self.functionDirectory(name, in: "\(root)/target/lambda", examples: examples) { _ in }
        }
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            let none = try await scene.succeed(["deploy", "--affected-since", "HEAD"], in: root)
            #expect(none.standardError.contains("No function is affected by the changes since HEAD; nothing to deploy"), "\(none.standardError)")
            #expect(try await scene.account() == .empty)
            let noneJSON = try await scene.succeed(["deploy", "--affected-since", "HEAD", "--message-format", "json"], in: root)
            let finished = try DeployFacts.finished(in: try DeployFacts.jsonLines(noneJSON.standardOutput))
            #expect(finished["success"] as? Bool == true && finished["created"] as? Int == 0, "\(finished)")

            // The shared target of orders and refunds changes: those two, not users.
            try "public let rate = 3\n".write(
                toFile: "\(root)/services/orders/Sources/Shared/Shared.swift", atomically: true, encoding: .utf8)
            let deployed = try await scene.succeed(["deploy", "--affected-since", "HEAD"], in: root)
            #expect(deployed.standardError.contains("Affected by the changes since HEAD: orders, refunds"), "\(deployed.standardError)")
            #expect(try await scene.account() == .init(functions: ["orders", "refunds"], hasRole: true, buckets: []))

            // Names given are narrowed too: users is not affected, orders is and has not changed.
            let named = try await scene.succeed(["deploy", "users", "orders", "--affected-since", "HEAD"], in: root)
            #expect(named.standardError.contains("Affected by the changes since HEAD: orders\n"), "\(named.standardError)")
            #expect(named.standardError.contains("orders: unchanged"), "\(named.standardError)")
            #expect(try await scene.account().functions == ["orders", "refunds"])

            let unknown = try await scene.run(["deploy", "--affected-since", "no-such-branch"], in: root)
            #expect(unknown.status == 1)
            #expect(
                DeployFacts.errorLines(unknown.standardError).first?.hasPrefix("error: git does not know the revision 'no-such-branch' in ")
                    == true, "\(unknown.standardError)")
            let option = try await scene.run(["deploy", "--affected-since=--dry-run"], in: root)
            #expect(option.status == 64)
            #expect(option.standardError.contains("--affected-since needs a git revision (a commit, branch or tag), not '--dry-run'"))
        }
    }
}
