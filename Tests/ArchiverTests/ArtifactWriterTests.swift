import Archiver
import BuildPlanner
import Foundation
import Testing

/// Committing staged artifacts when the destination refuses to be replaced.
@Suite struct ArtifactWriterTests {
    /// `chattr +i` makes a directory that cannot be renamed (root on ext4, as here): the swap
    /// fails, the staged copy is removed, and the error says what to do (issue 14, item 7).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") && getuid() == 0))
    func aRefusedSwapLeavesNoStagedCopyAndSaysWhatToDo() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)").path
        let lambda = "\(root)/lambda"
        try FileManager.default.createDirectory(atPath: "\(lambda)/app", withIntermediateDirectories: true)
        try Data("elf".utf8).write(to: URL(fileURLWithPath: "\(root)/app"))
        defer {
            _ = chattr("-i", "\(lambda)/app")
            try? FileManager.default.removeItem(atPath: root)
        }
        let layout = ArtifactLayout(executable: "bootstrap")
        let artifact = PlannedArtifact(
            product: "app", kind: .function, sourceBinary: "\(root)/app", stripsSymbols: false, targets: ["App"],
            root: "\(lambda)/app", ownsRoot: true, layout: layout, bundles: [], includes: [],
            zip: PlannedZip(path: "\(lambda)/app/bootstrap.zip", layout: layout))
        let staged = try await ArtifactWriter.stage(artifact, currentDirectory: root, zipOptions: ZipOptions()) { destination in
            try FileManager.default.copyItem(atPath: "\(root)/app", toPath: destination)
        }
        #expect(FileManager.default.fileExists(atPath: staged.stagedExecutable))
        try #require(chattr("+i", "\(lambda)/app") == 0)

        let error = #expect(throws: ArtifactError.self) { try staged.commit() }
        guard case .commitFailed(let destination, let reason)? = error else {
            Issue.record("expected commitFailed, got \(String(describing: error))")
            return
        }
        #expect(destination == "\(lambda)/app")
        #expect(reason == "Operation not permitted")
        #expect("\(error!)".contains("chattr -i"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: lambda) == ["app"], "no hidden staged copy is left")
    }

    private func chattr(_ flag: String, _ path: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag, path]
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
