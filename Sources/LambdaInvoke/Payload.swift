import Foundation

/// The event to deliver: `--data JSON`, `--data-file F` (`-` is standard input), or `{}`.
/// Lambda's invoke API refuses a payload that is not JSON, so it is checked here, before
/// anything starts, rather than discovered as a confusing error inside the function.
public enum Payload {
    public static let empty = Array("{}".utf8)

    /// The event of a run: `--data`, `--data-file`, `--data-example` (at most one is given), else `{}`.
    public static func resolve(data: String?, dataFile: String?, dataExample: String?, currentDirectory: String) throws(InvokeError) -> [UInt8] {
        if let data { return try inline(data) }
        if let dataFile { return try file(dataFile, currentDirectory: currentDirectory) }
        if let dataExample { return try SampleEvents.event(dataExample) }
        return empty
    }

    /// `--data`, checked.
    public static func inline(_ text: String) throws(InvokeError) -> [UInt8] {
        let bytes = Array(text.utf8)
        try check(bytes, source: "--data")
        return bytes
    }

    /// The contents of `path` (relative to `currentDirectory`; `-` reads standard input), checked.
    public static func file(_ path: String, currentDirectory: String) throws(InvokeError) -> [UInt8] {
        let bytes: [UInt8]
        if path == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            let absolute = path.hasPrefix("/") ? path : "\(currentDirectory)/\(path)"
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: absolute)))
            } catch {
                let reason = (error as NSError).localizedFailureReason ?? (FileManager.default.fileExists(atPath: absolute) ? "unreadable" : "no such file")
                throw .unreadableDataFile(path: path, reason: reason)
            }
        }
        try check(bytes, source: "--data-file \(path)")
        return bytes
    }

    static func check(_ bytes: [UInt8], source: String) throws(InvokeError) {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let reason = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "invalid JSON"
            throw .invalidPayload(source: source, reason: reason)
        }
    }
}

/// `errorType` and `errorMessage` of an error object, when it is one.
struct ErrorFields {
    var type: String?
    var message: String?

    init(_ body: [UInt8]) {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        type = object?["errorType"] as? String
        message = object?["errorMessage"] as? String
    }
}
