/// Edits the text of a `Package.swift` the way a person would: new elements are added at the end
/// of the `products:`, `dependencies:` and `targets:` array literals of the one `Package(...)`
/// call, in the indentation, line layout and trailing-comma style those arrays already use, and
/// nothing else in the file changes. A manifest whose shape it cannot edit with certainty (the
/// arrays built in variables, `#if` inside the call, two `Package(` calls) is refused.
public struct ManifestEditor: Sendable {
    let source: [UInt8]
    let tokens: [ManifestToken]
    /// Token indexes of the call's parentheses.
    let callOpen: Int
    let callClose: Int
    let arguments: [Argument]

    /// One argument of the `Package(...)` call: its label (if any) and its tokens.
    struct Argument {
        var label: String?
        /// First token of the argument (the label, when there is one) ...
        var first: Int
        /// ... and of its value, through `last` inclusive.
        var valueFirst: Int
        var last: Int
    }

    /// An array literal: its brackets' token indexes and each element's token range.
    struct ArrayLiteral {
        var open: Int
        var close: Int
        var elements: [ClosedRange<Int>]
        var hasTrailingComma: Bool
    }

    public init(_ text: String) throws(ManifestEditError) {
        source = Array(text.utf8)
        let tokens = try ManifestLexer.tokens(of: source)
        self.tokens = tokens
        let calls = tokens.indices.filter { index in
            guard tokens[index].kind == .identifier, tokens[index].text == "Package", index + 1 < tokens.count,
                tokens[index + 1].text == "("
            else { return false }
            // `Package(` or `PackageDescription.Package(`; not a member of something else.
            guard index > 0, tokens[index - 1].text == "." else { return true }
            return index > 1 && tokens[index - 2].text == "PackageDescription"
        }
        guard calls.count == 1, let call = calls.first else {
            throw calls.isEmpty ? .noPackageCall : .severalPackageCalls(calls.count)
        }
        let callOpen = call + 1
        self.callOpen = callOpen
        guard let close = Self.matchingClose(tokens, from: callOpen) else { throw .unterminated("the Package( call") }
        callClose = close
        if let directive = tokens[callOpen...close].first(where: { $0.kind == .directive && $0.text.hasPrefix("#if") })
        {
            throw .conditionalCompilation(directive.text)
        }
        arguments = Self.split(tokens, from: callOpen, to: close).map { range in
            let labelled =
                range.count >= 2 && tokens[range.lowerBound].kind == .identifier
                && tokens[range.lowerBound + 1].text == ":"
            return Argument(
                label: labelled ? tokens[range.lowerBound].text : nil, first: range.lowerBound,
                valueFirst: labelled ? range.lowerBound + 2 : range.lowerBound, last: range.upperBound)
        }
    }

    /// Whether the call has an argument with this label.
    public func hasArgument(_ label: String) -> Bool { arguments.contains { $0.label == label } }

    /// How many elements the array literal of `label` has; nil when the argument is absent.
    /// Throws when the argument is there but is not a literal array.
    public func elementCount(of label: String) throws(ManifestEditError) -> Int? {
        try array(label)?.elements.count
    }

    /// The source text of each element of `label`'s array, as written.
    func elementTexts(of label: String) throws(ManifestEditError) -> [String] {
        guard let array = try array(label) else { return [] }
        return array.elements.map { text(tokens[$0.lowerBound].start..<tokens[$0.upperBound].end) }
    }

    func array(_ label: String) throws(ManifestEditError) -> ArrayLiteral? {
        guard let argument = arguments.first(where: { $0.label == label }) else { return nil }
        guard tokens[argument.valueFirst].text == "[",
            let close = Self.matchingClose(tokens, from: argument.valueFirst), close == argument.last
        else { throw .notALiteralArray(label) }
        let elements = Self.split(tokens, from: argument.valueFirst, to: close)
        let hasTrailingComma =
            !elements.isEmpty && tokens[close - 1].kind == .punctuation && tokens[close - 1].text == ","
        return ArrayLiteral(
            open: argument.valueFirst, close: close, elements: elements, hasTrailingComma: hasTrailingComma)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: source[range], as: UTF8.self) }

    /// The index of the bracket closing the one at `open`.
    static func matchingClose(_ tokens: [ManifestToken], from open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count where tokens[index].kind == .punctuation {
            switch tokens[index].text {
            case "(", "[", "{": depth += 1
            case ")", "]", "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// The comma-separated items between the brackets at `open` and `close` (empty items, as after
    /// a trailing comma, left out).
    static func split(_ tokens: [ManifestToken], from open: Int, to close: Int) -> [ClosedRange<Int>] {
        var items: [ClosedRange<Int>] = []
        var depth = 0
        var itemStart = open + 1
        for index in (open + 1)...close {
            let text = tokens[index].kind == .punctuation ? tokens[index].text : ""
            if text == "(" || text == "[" || text == "{" { depth += 1 }
            if (text == ")" || text == "]" || text == "}") && index != close { depth -= 1 }
            if (text == "," && depth == 0) || index == close {
                if itemStart < index { items.append(itemStart...(index - 1)) }
                itemStart = index + 1
            }
        }
        return items
    }
}

/// Why a manifest cannot be edited safely.
public enum ManifestEditError: Error, Sendable, Equatable {
    case noPackageCall
    case severalPackageCalls(Int)
    case conditionalCompilation(String)
    case notALiteralArray(String)
    case missingTargets
    case unterminated(String)
    /// SwiftPM loads more (or fewer) items than the literal array holds: some are added elsewhere.
    case builtElsewhere(label: String, literal: Int, loaded: Int)
}

extension ManifestEditError: CustomStringConvertible {
    public var description: String {
        let reason: String
        switch self {
        case .noPackageCall: reason = "it has no Package(...) call"
        case .severalPackageCalls(let count): reason = "it has \(count) Package(...) calls"
        case .conditionalCompilation(let directive): reason = "its Package(...) call contains \(directive)"
        case .notALiteralArray(let label): reason = "the \(label): argument of Package(...) is not a literal array"
        case .missingTargets: reason = "its Package(...) call has no targets: array"
        case .unterminated(let what): reason = "it has an unterminated \(what)"
        case .builtElsewhere(let label, let literal, let loaded):
            reason =
                "SwiftPM loads \(loaded) \(label) but the \(label): array lists \(literal), so some are added elsewhere in the file"
        }
        return
            "cannot edit Package.swift safely: \(reason); add the product and targets by hand (swift-lambda new writes a complete package to copy them from)"
    }
}
