import Foundation
import LambdaInvoke
import Testing

@Suite struct PayloadTests {
    @Test func inlineDataMustBeJSON() throws {
        #expect(try Payload.inline(#"{"a":[1,2]}"#) == Array(#"{"a":[1,2]}"#.utf8))
        #expect(try Payload.inline("42") == Array("42".utf8))  // a bare value, as Lambda accepts
        #expect(throws: InvokeError.self) { try Payload.inline("{nope") }
        do {
            _ = try Payload.inline("{nope")
        } catch {
            #expect("\(error)".hasPrefix("--data is not JSON ("))
            #expect("\(error)".hasSuffix("); pass one JSON value, for example --data '{}'"))
        }
    }

    @Test func dataFilesAreReadRelativeToTheCurrentDirectoryAndChecked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("payload-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(#"{"from":"file"}"#.utf8).write(to: URL(fileURLWithPath: "\(directory)/event.json"))
        try Data("not json".utf8).write(to: URL(fileURLWithPath: "\(directory)/bad.json"))
        #expect(try Payload.file("event.json", currentDirectory: directory) == Array(#"{"from":"file"}"#.utf8))
        #expect(throws: InvokeError.self) { try Payload.file("bad.json", currentDirectory: directory) }
        do {
            _ = try Payload.file("missing.json", currentDirectory: directory)
            Issue.record("a missing file was read")
        } catch {
            guard case .unreadableDataFile(let path, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == "missing.json")
        }
    }
}
