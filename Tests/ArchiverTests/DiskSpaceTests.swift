import Foundation
import LambdaSupport
import Testing

/// A full disk told apart from other write failures (issue 14, item 12).
@Suite struct DiskSpaceTests {
    @Test func aFullDiskIsRecognisedInEachToolsWords() {
        #expect(DiskSpace.isFull("LLVM ERROR: IO failure on output stream: No space left on device"))
        #expect(DiskSpace.isFull("LLVM ERROR: IO failure on output stream"))
        #expect(DiskSpace.isFull("write '/l/.echo.swift-lambda-1a/bootstrap' failed: No space left on device (errno 28)"))
        #expect(!DiskSpace.isFull("error: cannot find 'foo' in scope"))
        #expect(!DiskSpace.isFull("could not move aside '/l/echo': Operation not permitted"))
    }

    @Test func theMountPointIsTheHighestAncestorOnTheSameDevice() {
        #expect(DiskSpace.mountPoint(of: "/") == "/")
        #expect(DiskSpace.mountPoint(of: "/proc/self/status") == "/proc")
        // A path that does not exist yet is on its nearest existing ancestor's file system.
        #expect(DiskSpace.mountPoint(of: "/proc/does/not/exist") == "/proc")
        #expect(!DiskSpace.isNearlyFull("/proc", threshold: 0))
    }
}
