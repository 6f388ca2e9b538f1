// Quotes: `{"index":N}` -> `{"index":N,"quote":"..."}`, from a bundled resource file.
//
// The point of this function is its resource bundle: it only works in Lambda when the build
// tool ships `Examples_QuoteBook.resources` beside `bootstrap`.

import Foundation
import LambdaRuntime
import QuoteBook

struct QuoteRequest: Decodable {
    var index: Int
}

struct QuoteResponse: Encodable {
    var index: Int
    var quote: String
}

// Load once, at init: a missing resource is an init error, not a failure of every invocation.
let book: QuoteBook
do {
    book = try QuoteBook()
} catch {
    reportInitError(LambdaError(errorType: "QuoteBookUnavailable", errorMessage: String(describing: error)))
}

let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
}()

runLambda { event, _ in
    let request: QuoteRequest
    do {
        request = try JSONDecoder().decode(QuoteRequest.self, from: Data(event))
    } catch {
        throw LambdaError(errorType: "InvalidEvent", errorMessage: "expected {\"index\": integer}: \(error)")
    }
    return Array(try encoder.encode(QuoteResponse(index: request.index, quote: book.quote(at: request.index))))
}
