import Foundation
import LambdaTestSupport
import Testing

/// Issue 15, item 8: the same sources checked out in two directories, of different depth and
/// name, give the same bytes: every bootstrap and every zip (README, "Reproducible zips").
@Suite struct CheckoutPathTests {
    @Test func theSameSourcesAtTwoPathsGiveTheSameZips() async throws {
        let examples = "\(Harness.repositoryRoot)/Examples"
        let near = try Harness.copyPackage(examples, named: "Examples")
        let far = try Harness.copyPackage(
            examples, to: "\(try Harness.temporaryDirectory(prefix: "elsewhere"))/a/much/deeper/checkout/Examples-2")
        for root in [near, far] {
            let result = try await Harness.runOffThePool(["build", "--release", "--output-format", "zip"], in: root)
            try #require(result.status == 0, "\(root):\n\(result.standardError)")
        }
        for name in ["echo", "greeter", "quotes"] {
            for file in ["bootstrap", "bootstrap.zip"] {
                let bytes = try [near, far].map { try Data(contentsOf: URL(fileURLWithPath: "\($0)/target/lambda/\(name)/\(file)")) }
                #expect(bytes[0] == bytes[1], "\(name)/\(file) differs between \(near) and \(far)")
            }
            // Neither checkout's path is inside what is deployed (quotes' bundle fallback included).
            let bootstrap = try Data(contentsOf: URL(fileURLWithPath: "\(far)/target/lambda/\(name)/bootstrap"))
            for root in [near, far] {
                #expect(bootstrap.firstRange(of: Data(root.utf8)) == nil, "\(name) holds \(root)")
            }
        }
    }
}
