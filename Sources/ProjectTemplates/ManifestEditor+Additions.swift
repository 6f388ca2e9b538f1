/// An array element to add, in the two layouts arrays are written in.
public struct ManifestElement: Sendable, Equatable {
    /// As written in the template: lines indented in steps of four spaces from column zero.
    public var expanded: String
    /// The same on one line, for arrays kept on one line.
    public var compact: String

    public init(expanded: String, compact: String) {
        self.expanded = expanded
        self.compact = compact
    }
}

/// What `init` adds to a manifest.
public struct ManifestAdditions: Sendable, Equatable {
    /// Used only when the manifest has no `platforms:` argument; an existing one is left alone.
    public var platforms: [ManifestElement] = []
    public var products: [ManifestElement] = []
    public var dependencies: [ManifestElement] = []
    public var targets: [ManifestElement] = []

    public init(
        platforms: [ManifestElement] = [], products: [ManifestElement] = [], dependencies: [ManifestElement] = [],
        targets: [ManifestElement] = []
    ) {
        self.platforms = platforms
        self.products = products
        self.dependencies = dependencies
        self.targets = targets
    }
}

extension ManifestEditor {
    /// A replacement of `range` (empty for an insertion); `order` sorts edits at the same offset.
    struct Edit {
        var range: Range<Int>
        var order: Int
        var text: String
    }

    /// Lines longer than this get the expanded layout (swift-format's default line length).
    static let lineLimit = 120

    /// The elements of `label`'s array, as written (for reading a rendered template's manifest).
    public func elements(of label: String) throws(ManifestEditError) -> [ManifestElement] {
        guard let array = try array(label) else { return [] }
        return array.elements.map { range in
            let start = tokens[range.lowerBound].start
            let base = indentation(ofLineAt: start).count
            let lines = text(start..<tokens[range.upperBound].end).split(
                separator: "\n", omittingEmptySubsequences: false)
            let expanded =
                ([String(lines[0])]
                + lines.dropFirst().map { String($0.dropFirst(min(base, $0.prefix { $0 == " " }.count))) })
                .joined(separator: "\n")
            return ManifestElement(expanded: expanded, compact: compact(range))
        }
    }

    /// The manifest with `additions` made; the rest of the text is unchanged. Only the arrays
    /// that receive elements must be literals: an extension added beside `dependencies: deps`
    /// is fine, a function that needs a dependency there is refused.
    public func adding(_ additions: ManifestAdditions) throws(ManifestEditError) -> String {
        guard let targets = try array("targets") else { throw .missingTargets }
        let unit = indentUnit
        let trailing = usesTrailingCommas()
        var edits: [Edit] = []
        if !additions.platforms.isEmpty, !hasArgument("platforms") {
            let anchor = try anchor(before: ["pkgConfig", "providers", "products", "traits", "dependencies", "targets"])
            edits.append(
                argumentEdit("platforms", additions.platforms, before: anchor, oneLine: true, unit, trailing, order: 0))
        }
        if !additions.products.isEmpty {
            if let products = try array("products") {
                edits += appendEdits(additions.products, to: products, unit, trailing, order: 1)
            } else {
                let anchor = try anchor(before: ["traits", "dependencies", "targets"])
                edits.append(
                    argumentEdit(
                        "products", additions.products, before: anchor, oneLine: false, unit, trailing, order: 1))
            }
        }
        if !additions.dependencies.isEmpty {
            if let dependencies = try array("dependencies") {
                edits += appendEdits(additions.dependencies, to: dependencies, unit, trailing, order: 3)
            } else {
                let anchor = try anchor(before: ["targets"])
                edits.append(
                    argumentEdit(
                        "dependencies", additions.dependencies, before: anchor, oneLine: false, unit, trailing, order: 3
                    ))
            }
        }
        edits += appendEdits(additions.targets, to: targets, unit, trailing, order: 5)

        var result: [UInt8] = []
        var copied = 0
        for edit in edits.sorted(by: { ($0.range.lowerBound, $0.order) < ($1.range.lowerBound, $1.order) }) {
            result += source[copied..<edit.range.lowerBound]
            result += Array(edit.text.utf8)
            copied = edit.range.upperBound
        }
        result += source[copied...]
        return String(decoding: result, as: UTF8.self)
    }

    /// Edits appending `elements` to `array`.
    func appendEdits(
        _ elements: [ManifestElement], to array: ArrayLiteral, _ unit: String, _ defaultTrailing: Bool, order: Int
    ) -> [Edit] {
        guard !elements.isEmpty else { return [] }
        let open = tokens[array.open]
        let close = tokens[array.close]
        let multiline = source[open.start..<close.start].contains(0x0A)
        let closeFirstOnLine = isFirstOnLine(close.start)
        func terminated(_ index: Int, _ trailing: Bool) -> String { index < elements.count - 1 || trailing ? "," : "" }

        guard let last = array.elements.last else {
            // An empty array: its elements go on lines of their own.
            if multiline && closeFirstOnLine {
                let indent = indentation(ofLineAt: close.start) + unit
                let lines = elements.enumerated().map { index, element in
                    reindent(element.expanded, to: indent, unit) + terminated(index, defaultTrailing) + "\n"
                }
                return [
                    Edit(
                        range: lineStart(of: close.start)..<lineStart(of: close.start), order: order,
                        text: lines.joined())
                ]
            }
            let outer = indentation(ofLineAt: open.start)
            let body =
                elements.enumerated().map { index, element in
                    "\n" + reindent(element.expanded, to: outer + unit, unit) + terminated(index, defaultTrailing)
                }.joined() + "\n" + outer
            let gap = source[open.end..<close.start]
            let blank = gap.allSatisfy { $0 == 0x20 || $0 == 0x09 }
            return [Edit(range: blank ? open.end..<close.start : close.start..<close.start, order: order, text: body)]
        }

        let lastEnd = tokens[last.upperBound].end
        let afterLast = array.hasTrailingComma ? tokens[array.close - 1].end : lastEnd
        if !multiline {
            let joined = elements.map(\.compact).joined(separator: ", ")
            let text = array.hasTrailingComma ? " \(joined)," : ", \(joined)"
            return [Edit(range: afterLast..<afterLast, order: order, text: text)]
        }
        let firstStart = tokens[array.elements[0].lowerBound].start
        let indent =
            isFirstOnLine(firstStart) ? indentation(ofLineAt: firstStart) : indentation(ofLineAt: open.start) + unit
        let existingOnOneLine = array.elements.allSatisfy {
            !source[tokens[$0.lowerBound].start..<tokens[$0.upperBound].end].contains(0x0A)
        }
        func layout(_ element: ManifestElement) -> String {
            existingOnOneLine && indent.count + element.compact.count + 1 <= Self.lineLimit
                ? indent + element.compact : reindent(element.expanded, to: indent, unit)
        }
        var edits: [Edit] = []
        if !array.hasTrailingComma { edits.append(Edit(range: lastEnd..<lastEnd, order: order, text: ",")) }
        if closeFirstOnLine {
            let lines = elements.enumerated().map { index, element in
                layout(element) + terminated(index, array.hasTrailingComma) + "\n"
            }
            let at = lineStart(of: close.start)
            edits.append(Edit(range: at..<at, order: order + 1, text: lines.joined()))
        } else {
            let lines = elements.enumerated().map { index, element in
                "\n" + layout(element) + terminated(index, array.hasTrailingComma)
            }
            edits.append(Edit(range: afterLast..<afterLast, order: order + 1, text: lines.joined()))
        }
        return edits
    }

    /// An edit adding the argument `label: [elements]` just before `anchor`.
    func argumentEdit(
        _ label: String, _ elements: [ManifestElement], before anchor: Argument, oneLine: Bool, _ unit: String,
        _ trailing: Bool, order: Int
    ) -> Edit {
        let start = tokens[anchor.first].start
        guard isFirstOnLine(start) else {
            let text = "\(label): [\(elements.map(\.compact).joined(separator: ", "))], "
            return Edit(range: start..<start, order: order, text: text)
        }
        let indent = indentation(ofLineAt: start)
        let text: String
        if oneLine {
            text = "\(indent)\(label): [\(elements.map(\.compact).joined(separator: ", "))],\n"
        } else {
            let lines = elements.enumerated().map { index, element in
                reindent(element.expanded, to: indent + unit, unit)
                    + (index < elements.count - 1 || trailing ? "," : "") + "\n"
            }
            text = "\(indent)\(label): [\n\(lines.joined())\(indent)],\n"
        }
        let at = lineStart(of: start)
        return Edit(range: at..<at, order: order, text: text)
    }

    /// The first argument with one of `labels` (in the order `Package.init` declares them).
    func anchor(before labels: [String]) throws(ManifestEditError) -> Argument {
        guard let anchor = arguments.first(where: { labels.contains($0.label ?? "") }) else { throw .missingTargets }
        return anchor
    }

    /// One step of indentation: how much deeper the call's arguments sit than the call's line.
    var indentUnit: String {
        let callIndent = indentation(ofLineAt: tokens[callOpen].start)
        for argument in arguments where isFirstOnLine(tokens[argument.first].start) {
            let indent = indentation(ofLineAt: tokens[argument.first].start)
            if indent.hasPrefix(callIndent) && indent.count > callIndent.count {
                return String(indent.dropFirst(callIndent.count))
            }
        }
        return "    "
    }

    /// Whether the call's multi-line literal arrays end with a comma (true when none says).
    func usesTrailingCommas() -> Bool {
        var votes: [Bool] = []
        for label in ["targets", "products", "dependencies"] {
            guard let array = try? array(label), !array.elements.isEmpty,
                source[tokens[array.open].start..<tokens[array.close].start].contains(0x0A)
            else { continue }
            votes.append(array.hasTrailingComma)
        }
        return votes.first ?? true
    }

    /// `element`'s tokens on one line: one space where the source had any gap (comments
    /// dropped), none just inside brackets, and no trailing commas.
    func compact(_ range: ClosedRange<Int>) -> String {
        var text = ""
        for index in range {
            let token = tokens[index]
            if token.text == ",", index < range.upperBound, [")", "]"].contains(tokens[index + 1].text) { continue }
            if index > range.lowerBound {
                let previous = tokens[index - 1]
                let gap = previous.end < token.start
                if gap && !["(", "["].contains(previous.text) && ![")", "]"].contains(token.text) { text += " " }
            }
            text += token.text
        }
        return text
    }

    /// `expanded` (four-space steps from column zero) at `indent`, in steps of `unit`.
    func reindent(_ expanded: String, to indent: String, _ unit: String) -> String {
        let lines: [Substring] = expanded.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { (line: Substring) -> String in
            let spaces = line.prefix { $0 == " " }.count
            let steps = String(repeating: unit, count: spaces / 4) + String(repeating: " ", count: spaces % 4)
            return indent + steps + line.dropFirst(spaces)
        }.joined(separator: "\n")
    }

    func lineStart(of offset: Int) -> Int {
        var index = offset
        while index > 0 && source[index - 1] != 0x0A { index -= 1 }
        return index
    }

    /// The spaces and tabs that start the line holding `offset`.
    func indentation(ofLineAt offset: Int) -> String {
        let start = lineStart(of: offset)
        var end = start
        while end < source.count && (source[end] == 0x20 || source[end] == 0x09) { end += 1 }
        return text(start..<end)
    }

    func isFirstOnLine(_ offset: Int) -> Bool {
        source[lineStart(of: offset)..<offset].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
