import Testing

@testable import LambdaWatch

@Suite struct WatchErrorTests {
    @Test func everyErrorIsOneLineThatSaysWhatToDo() {
        let errors: [WatchError] = [
            .nothingToServe(package: "Sources"), .unknown(kind: "function", name: "x", known: ["a", "b"]),
            .unknown(kind: "extension", name: "x", known: []), .cannotListen(address: "127.0.0.1", port: 9000, reason: "address in use"),
            .firstBuildFailed("compiling failed"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains(";"), "\(error) says no way out")
        }
        #expect(WatchError.unknown(kind: "function", name: "x", known: ["a", "b"]).description == "no function named 'x'; there are: a, b")
    }
}
