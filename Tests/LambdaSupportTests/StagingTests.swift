import Foundation
import Testing

@testable import LambdaSupport

#if canImport(Glibc)
import Glibc
#endif

/// Staging names carry their run's pid and start time, so a later run removes a dead run's items
/// and never a live one's.
@Suite struct StagingTests {
    @Test func namesSayWhichRunStagedThem() {
        let name = Staging.name(for: "bootstrap.zip")
        #expect(name.hasPrefix(".bootstrap.zip.swift-lambda-\(getpid())-"))
        #expect(Staging.entry(named: name) == .owned(Staging.owner))
        // The zip writer's temporary file inside a staged name belongs to the same run.
        #expect(Staging.entry(named: ".\(name).tmp-1f2e") == .owned(Staging.owner))
        // A product may itself be named swift-lambda-something.
        #expect(Staging.entry(named: ".swift-lambda-demo.swift-lambda-12-345-ab") == .owned(.init(pid: 12, start: 345)))
        #expect(Staging.entry(named: ".Hello.swift-lambda-1a2b3c4d") == .unowned)
        #expect(Staging.entry(named: "Hello") == nil)
        #expect(Staging.entry(named: ".swift-lambda-demo") == nil)
        #expect(Staging.entry(named: "bootstrap.swift-lambda-12-345-ab") == nil)
    }

    @Test func ownersThatAreGoneAreTold() async throws {
        #expect(Staging.owner.isAlive)
        #expect(Staging.owner.start != 0)
        // The same pid with another start time is a reused pid: the run that staged is gone.
        #expect(!Staging.Owner(pid: Staging.owner.pid, start: Staging.owner.start + 1).isAlive)
        let child = try ChildProcess.spawn(ChildSpec(executable: "/bin/true", environment: [:]))
        _ = try await child.waitForExit()
        #expect(!Staging.Owner(pid: child.pid, start: 1).isAlive)
    }

    @Test func sweepRemovesOnlyWhatDeadRunsLeft() throws {
        let directory = NSTemporaryDirectory() + "staging-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(directory)/.Hello.swift-lambda-1-1-aa", withIntermediateDirectories: true)
        let dead = "\(directory)/.Hello.swift-lambda-1-1-aa"
        _ = FileManager.default.createFile(atPath: "\(dead)/.bootstrap.zip.tmp-77", contents: Data(count: 100))
        let own = "\(directory)/\(Staging.name(for: "Bye"))"
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        let recentUnowned = "\(directory)/.Hi.swift-lambda-abcdef01"
        let oldUnowned = "\(directory)/.Old.swift-lambda-abcdef02"
        _ = FileManager.default.createFile(atPath: recentUnowned, contents: nil)
        _ = FileManager.default.createFile(atPath: oldUnowned, contents: nil)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -2 * Staging.unownedAge)], ofItemAtPath: oldUnowned)
        _ = FileManager.default.createFile(atPath: "\(directory)/.hidden", contents: nil)

        let removed = Staging.sweep(directory).sorted()
        #expect(removed == [dead, oldUnowned].sorted())
        #expect(FileSystem.exists(own))
        #expect(FileSystem.exists(recentUnowned))
        #expect(FileSystem.exists("\(directory)/.hidden"))
    }
}
