import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Builds that are interrupted or run twice at once (issue 15, items 1-3). A stand-in
/// `llvm-objcopy` holds each build in packaging, with its staging on disk, until the test says.
@Suite struct InterruptedBuildTests {
    let build = ["build", "--release", "--product", "Hello", "-v"]

    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptDuringPackagingStopsTheChildrenAndRemovesTheStaging(signal: Int32) async throws {
        let root = try Harness.fixture("tiny")
        let toolchain = try SlowStripToolchain()
        let cli = try BackgroundCLI(build, in: root, environment: toolchain.environment)
        let strip = try await toolchain.waitForStrip(of: cli)
        #expect(stagedEntries(in: root).count == 1)

        let status = try await cli.interrupt(with: signal)
        #expect(status == 128 + signal, "\(cli.standardError)")
        #expect(cli.standardError.contains("error: interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM")"))
        try await waitUntilGone(strip)
        #expect(stagedEntries(in: root) == [])
    }

    @Test func aKilledBuildLeavesNoProcessAndTheNextRunRemovesItsStaging() async throws {
        let root = try Harness.fixture("tiny")
        let toolchain = try SlowStripToolchain()
        let cli = try BackgroundCLI(build, in: root, environment: toolchain.environment)
        let strip = try await toolchain.waitForStrip(of: cli)

        kill(cli.pid, SIGKILL)
        _ = try await cli.exitStatus()
        // The parent-death signal: nothing may outlive a swift-lambda killed outright.
        try await waitUntilGone(strip)
        #expect(stagedEntries(in: root).count == 1)

        let next = try await Harness.runOffThePool(build, in: root)
        #expect(next.status == 0, "\(next.standardError)")
        #expect(stagedEntries(in: root) == [])
        #expect(FileManager.default.fileExists(atPath: "\(root)/target/lambda/Hello/bootstrap"))
    }

    @Test func aSecondBuildOfThePackageWaitsAndFindsTheArtifactsWritten() async throws {
        let root = try Harness.fixture("tiny")
        let toolchain = try SlowStripToolchain()
        defer { toolchain.releaseStrips() }
        let first = try BackgroundCLI(build, in: root, environment: toolchain.environment)
        _ = try await toolchain.waitForStrip(of: first)

        let second = try BackgroundCLI(build, in: root, environment: toolchain.environment)
        _ = try await second.waitForLine(within: .seconds(300)) { $0 == "waiting for another swift-lambda (pid \(first.pid))" }
        toolchain.releaseStrips()
        #expect(try await first.exitStatus(within: .seconds(300)) == 0, "\(first.standardError)")
        #expect(try await second.exitStatus(within: .seconds(300)) == 0, "\(second.standardError)")
        // The second run packaged nothing: the first one's artifact was up to date.
        #expect(second.standardError.contains("Up to date, not rewritten: Hello"), "\(second.standardError)")
        #expect(toolchain.stripCount == 1)
        #expect(stagedEntries(in: root) == [])
    }

    /// The hidden staging items in the lambda directory.
    func stagedEntries(in root: String) -> [String] {
        Harness.contents(of: "\(root)/target/lambda").filter { $0.hasPrefix(".") }
    }

    /// Waits for a process to end (the test fails after 30 s).
    func waitUntilGone(_ pid: Int32) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !isGone(pid) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(isGone(pid), "process \(pid) outlived swift-lambda")
    }
}

/// A `swift` that is the real one, beside an `llvm-objcopy` that records its pid and waits for a
/// file before copying its input (Toolchain finds llvm-objcopy beside the resolved `swift`).
struct SlowStripToolchain {
    let directory: String

    init() throws {
        directory = try Harness.temporaryDirectory(prefix: "slow-strip")
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let swift = try #require(
            path.split(separator: ":").map { "\($0)/swift" }.first { FileManager.default.isExecutableFile(atPath: $0) })
        // Not symlink-resolved: the driver tells `swift` from `swift-driver` by the name it runs as.
        try write("swift", "#!/bin/sh\nexec '\(swift)' \"$@\"\n")
        try write(
            "llvm-objcopy",
            """
            #!/bin/sh
            echo $$ >> '\(directory)/strips'
            while [ ! -e '\(directory)/release' ]; do sleep 0.05; done
            exec cp "$2" "$3"

            """)
    }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(directory)/\(name)")
    }

    var environment: [String: String] {
        ["PATH": "\(directory):\(ProcessInfo.processInfo.environment["PATH"] ?? "")"]
    }

    private var strips: [Int32] {
        ((try? String(contentsOfFile: "\(directory)/strips", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    var stripCount: Int { strips.count }

    /// The pid of the first strip, once `cli` is packaging (it compiles first).
    func waitForStrip(of cli: BackgroundCLI) async throws -> Int32 {
        let deadline = ContinuousClock.now + .seconds(600)
        while strips.isEmpty && cli.process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return try #require(strips.first, "never stripped; stderr:\n\(cli.standardError)")
    }

    func releaseStrips() {
        _ = FileManager.default.createFile(atPath: "\(directory)/release", contents: nil)
    }
}
