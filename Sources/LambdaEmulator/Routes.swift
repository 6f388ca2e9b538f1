/// The endpoints the emulator serves, parsed from a request's method and path: a pure function,
/// so every malformed path and wrong method is tested without a socket.
enum Route: Equatable {
    // Runtime API, base /2018-06-01/runtime/
    case runtimeNext
    case runtimeResponse(requestID: String)
    case runtimeError(requestID: String)
    case runtimeInitError
    // Extensions API, base /2020-01-01/extension/
    case extensionRegister
    case extensionNext
    case extensionInitError
    case extensionExitError
    // Invoke API
    case invoke(functionName: String)

    /// Why a request matches no route: the status (404, or 405 with the method to use) and a
    /// sentence for the JSON error body.
    struct Mismatch: Error, Equatable {
        var status: Int
        var message: String
        /// The `Allow` header of a 405.
        var allow: String?
    }

    static func resolve(method: String, path rawPath: String) -> Result<Route, Mismatch> {
        let path = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard let (route, allowed) = match(segments) else {
            return .failure(Mismatch(status: 404, message: "no route for \(method) \(path)", allow: nil))
        }
        guard method == allowed else {
            return .failure(Mismatch(status: 405, message: "\(path) takes \(allowed), not \(method)", allow: allowed))
        }
        return .success(route)
    }

    /// The route a path names and the one method it takes.
    private static func match(_ segments: [String]) -> (Route, String)? {
        switch segments.count {
        case 4:
            switch (segments[0], segments[1], segments[2], segments[3]) {
            case ("2018-06-01", "runtime", "invocation", "next"): return (.runtimeNext, "GET")
            case ("2018-06-01", "runtime", "init", "error"): return (.runtimeInitError, "POST")
            case ("2020-01-01", "extension", "event", "next"): return (.extensionNext, "GET")
            case ("2020-01-01", "extension", "init", "error"): return (.extensionInitError, "POST")
            case ("2020-01-01", "extension", "exit", "error"): return (.extensionExitError, "POST")
            case ("2015-03-31", "functions", let name, "invocations") where !name.isEmpty:
                return (.invoke(functionName: percentDecoded(name)), "POST")
            default: return nil
            }
        case 5 where segments[0] == "2018-06-01" && segments[1] == "runtime" && segments[2] == "invocation"
            && !segments[3].isEmpty:
            let id = percentDecoded(segments[3])
            switch segments[4] {
            case "response": return (.runtimeResponse(requestID: id), "POST")
            case "error": return (.runtimeError(requestID: id), "POST")
            default: return nil
            }
        case 3 where segments == ["2020-01-01", "extension", "register"]:
            return (.extensionRegister, "POST")
        default:
            return nil
        }
    }

    /// `%XX` sequences decoded as UTF-8; a malformed sequence is kept as written, so such an id
    /// simply matches no invocation.
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
