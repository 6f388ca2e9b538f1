// Greeter: `{"name":"Ada"}` -> `{"greeting":"Hello, Ada!","length":3}`.
//
// It uses Foundation's JSONDecoder and JSONEncoder, so it shows what a typical Codable function
// costs in size and in glibc requirements compared with `echo`.

import Foundation
import LambdaRuntime

/// The event this function accepts.
struct GreetingRequest: Decodable {
    var name: String
}

/// The answer: the greeting and the length of the name in characters.
struct GreetingResponse: Encodable {
    var greeting: String
    var length: Int
}

/// Sorted keys give byte-stable output, which tests and caches can compare.
let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
}()

runLambda { event, _ in
    let request: GreetingRequest
    do {
        request = try JSONDecoder().decode(GreetingRequest.self, from: Data(event))
    } catch {
        throw LambdaError(errorType: "InvalidEvent", errorMessage: "expected {\"name\": string}: \(summary(of: error))")
    }
    let response = GreetingResponse(greeting: "Hello, \(request.name)!", length: request.name.count)
    return Array(try encoder.encode(response))
}

/// A one-line reason for a decoding failure, without DecodingError's nested dump.
func summary(of error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): "missing key \"\(key.stringValue)\""
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
         DecodingError.dataCorrupted(let context):
        context.debugDescription
    default: String(describing: error)
    }
}
