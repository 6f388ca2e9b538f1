import Foundation
import Testing

@testable import HelloWorld

@Test func greetsByName() {
    #expect(greet(Input(name: "Ada")).greeting == "Hello, Ada!")
}

@Test func decodesTheEventAndEncodesTheAnswerAsTheRuntimeDoes() throws {
    let input = try JSONDecoder().decode(Input.self, from: Data(#"{"name": "Ada"}"#.utf8))
    let output = try JSONEncoder().encode(greet(input))
    #expect(String(decoding: output, as: UTF8.self) == #"{"greeting":"Hello, Ada!"}"#)
}
