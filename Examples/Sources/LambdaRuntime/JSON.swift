// JSON string escaping, the one piece of JSON the runtime writes itself (error bodies).

/// `text` as a JSON string literal, quotes included (RFC 8259, section 7): quotation mark,
/// reverse solidus and control characters are escaped; everything else is kept as UTF-8.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case "\u{08}": result += "\\b"
        case "\u{0C}": result += "\\f"
        case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}":
            // U+2028/U+2029 are valid JSON but break JavaScript consumers of the error body.
            let hex = String(scalar.value, radix: 16, uppercase: false)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
