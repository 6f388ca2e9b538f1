import Foundation
import Testing

@testable import LambdaWatch

@Suite struct WatchWorkflowTests {
    /// A lambda directory inside the package is ignored, or each build would start the next.
    @Test func theLambdaDirectoryBelowARootIsNotAnInput() {
        let filter = ChangeFilter(roots: ["/p"]).ignoring("/p/out/lambda")
        #expect(!filter.isRelevant("/p/out/lambda/echo/bootstrap", isDirectory: false))
        #expect(!filter.isRelevant("/p/out/lambda", isDirectory: true))
        #expect(filter.isRelevant("/p/out/notes.swift", isDirectory: false))
        #expect(filter.isRelevant("/p/Sources/App/main.swift", isDirectory: false))
        #expect(ChangeFilter(roots: ["/p"]).ignoring("/elsewhere/lambda") == ChangeFilter(roots: ["/p"]))
    }

    /// A function keeps its warm environments after a rebuild when its signature is unchanged:
    /// the same files as written (a build that found them up to date leaves them), the same
    /// extensions, variables and timeout. A file written anew (renamed into place, as every
    /// artifact is) changes it, as does a changed variable or extension.
    @Test func aFunctionsSignatureChangesWithWhatItsEnvironmentsRun() throws {
        let lambda = FileManager.default.temporaryDirectory.appendingPathComponent("watch-signature-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: lambda) }
        try FileManager.default.createDirectory(atPath: "\(lambda)/echo/Bundle.resources", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(lambda)/extensions", withIntermediateDirectories: true)
        try Data("v1".utf8).write(to: URL(fileURLWithPath: "\(lambda)/echo/bootstrap"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(lambda)/echo/Bundle.resources/data.json"))
        try Data("ext".utf8).write(to: URL(fileURLWithPath: "\(lambda)/extensions/audit"))
        func signature(env: [String: String] = ["A": "1"], extensions: [String] = ["audit"], image: Bool = false) -> String {
            WatchWorkflow.signature(
                function: "echo", extensions: extensions, lambdaDirectory: lambda, image: image, overrides: env, timeout: .seconds(3))
        }
        let first = signature()
        #expect(signature() == first)
        #expect(signature(env: ["A": "2"]) != first)
        #expect(signature(extensions: []) != first)
        #expect(signature(image: true) != first)

        // The same bytes written anew, as a build that did not find it up to date writes them.
        try Data("v1".utf8).write(to: URL(fileURLWithPath: "\(lambda)/echo/.bootstrap.new"))
        try FileManager.default.removeItem(atPath: "\(lambda)/echo/bootstrap")
        try FileManager.default.moveItem(atPath: "\(lambda)/echo/.bootstrap.new", toPath: "\(lambda)/echo/bootstrap")
        let rewritten = signature()
        #expect(rewritten != first)
        try Data("[]".utf8).write(to: URL(fileURLWithPath: "\(lambda)/echo/Bundle.resources/data.json"))
        #expect(signature() != rewritten)
        let beforeExtension = signature()
        try FileManager.default.removeItem(atPath: "\(lambda)/extensions/audit")
        try Data("ext2".utf8).write(to: URL(fileURLWithPath: "\(lambda)/extensions/audit"))
        #expect(signature() != beforeExtension)
    }

    @Test func aFailedCompileIsNamedInAFewWordsAndAnyOtherErrorWhole() {
        #expect(WatchWorkflow.reason(WatchError.nothingToServe(package: "x")) == WatchError.nothingToServe(package: "x").description)
    }
}
