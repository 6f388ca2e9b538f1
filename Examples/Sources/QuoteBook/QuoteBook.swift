// QuoteBook: quotations read from a SwiftPM resource bundle.
//
// The bundle (`Examples_QuoteBook.resources`) is a directory SwiftPM puts beside the built
// executable; a Lambda package must ship it beside `bootstrap`, or `Bundle.module` falls back
// to the absolute build path, which does not exist in Lambda.

import Foundation

/// A failure to read the bundled quotations.
public struct QuoteBookError: Error, CustomStringConvertible {
    public var description: String
}

/// The quotations in `Resources/quotes.txt`, one per line.
public struct QuoteBook: Sendable {
    public let quotes: [String]

    /// Loads the quotations from the target's resource bundle.
    public init() throws {
        guard let url = Bundle.module.url(forResource: "quotes", withExtension: "txt") else {
            throw QuoteBookError(description: "quotes.txt is missing from \(Bundle.module.bundlePath)")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        quotes = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !quotes.isEmpty else { throw QuoteBookError(description: "quotes.txt has no quotations") }
    }

    /// The quotation at `index`, wrapping around (negative indexes count from the end).
    public func quote(at index: Int) -> String {
        let count = quotes.count
        return quotes[((index % count) + count) % count]
    }
}
