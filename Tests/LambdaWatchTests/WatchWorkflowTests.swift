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

    @Test func aFailedCompileIsNamedInAFewWordsAndAnyOtherErrorWhole() {
        #expect(WatchWorkflow.reason(WatchError.nothingToServe(package: "x")) == WatchError.nothingToServe(package: "x").description)
    }
}
