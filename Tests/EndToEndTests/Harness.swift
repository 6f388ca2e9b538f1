import Compilers
import Foundation
import LambdaTestSupport
import Testing

/// Runs the built `swift-lambda` the way a user does, in a directory of
/// the test's own, and keeps what it printed.
typealias CLIResult = CommandResult

enum Harness {
    /// The `swift-lambda` built beside this test bundle.
    static var executable: String {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("swift-lambda").path
    }

    /// The repository root (this file is Tests/EndToEndTests/Harness.swift).
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// With a `timeout`, a watchdog kills the CLI then (`CLIResult.timedOut`).
    static func run(
        _ arguments: [String], in directory: String, environment: [String: String]? = nil, timeout: Duration? = nil
    ) throws -> CLIResult {
        try TestCommand.run(executable, arguments, in: directory, environment: environment, timeout: timeout)
    }

    /// `run` on a thread of its own: a long build waited for on one of Swift
    /// concurrency's few cooperative threads (two on a 2-core machine) would
    /// starve every other test's async work for its whole duration.
    static func runOffThePool(
        _ arguments: [String], in directory: String, environment: [String: String]? = nil
    ) async throws -> CLIResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try run(arguments, in: directory, environment: environment) })
            }.start()
        }
    }

    static func runProcess(
        _ executable: String, _ arguments: [String], in directory: String, environment: [String: String]? = nil
    ) throws -> CLIResult {
        try TestCommand.run(executable, arguments, in: directory, environment: environment)
    }

    /// A `PATH` of one directory holding links to every program on this process's `PATH` but
    /// `programs`, so a test of what the tool does when a program is missing does not depend on
    /// whether this machine happens to have it installed.
    static func pathWithout(_ programs: Set<String>) throws -> String {
        let directory = try temporaryDirectory(prefix: "path")
        let fileManager = FileManager.default
        var linked = programs
        for searched in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) {
            for name in (try? fileManager.contentsOfDirectory(atPath: searched)) ?? []
            where !linked.contains(name) && fileManager.isExecutableFile(atPath: "\(searched)/\(name)") {
                linked.insert(name)
                try fileManager.createSymbolicLink(atPath: "\(directory)/\(name)", withDestinationPath: "\(searched)/\(name)")
            }
        }
        return directory
    }

    /// The flags every build adds to compile the package at `root` (named `name` in its manifest)
    /// as a fixed path, and the host toolchain's directory too unless `inContainer`, as a command
    /// line shows them.
    static func checkoutMapping(_ root: String, name: String, inContainer: Bool = false) throws -> String {
        let toolchain = inContainer ? nil : try Toolchain.locate(environment: ProcessInfo.processInfo.environment).directory
        return CheckoutPaths(root: root, mapped: CheckoutPaths.mappedRoot(packageName: name), toolchain: toolchain)
            .arguments.joined(separator: " ")
    }

    static func temporaryDirectory(prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-lambda-\(prefix)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A copy of a package (without build products) in a fresh directory.
    static func copyPackage(_ source: String, named name: String) throws -> String {
        try copyPackage(source, to: "\(try temporaryDirectory(prefix: name))/\(name)")
    }

    /// A copy of a package (without build products) at `destination`, created with its parents.
    @discardableResult
    static func copyPackage(_ source: String, to destination: String) throws -> String {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: source)
        where !item.hasPrefix(".build") && item != "target" && item != ".swiftpm" {
            try FileManager.default.copyItem(atPath: "\(source)/\(item)", toPath: "\(destination)/\(item)")
        }
        return destination
    }

    static func fixture(_ name: String) throws -> String {
        try copyPackage("\(repositoryRoot)/Tests/EndToEndTests/Fixtures/\(name)", named: name)
    }

    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }

    static func contents(of directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}

/// The Examples package copied once and built once per test run with
/// `swift-lambda build --release`; every test that needs real release
/// artifacts shares it, so the suite compiles Foundation only once.
actor SharedExamplesBuild {
    static let shared = SharedExamplesBuild()

    struct Built {
        var packageRoot: String
        var result: CLIResult
        var lambdaDirectory: String { "\(packageRoot)/target/lambda" }
    }

    private var task: Task<Built, any Error>?

    func built() async throws -> Built {
        if let task { return try await task.value }
        let task = Task {
            let root = try Harness.copyPackage("\(Harness.repositoryRoot)/Examples", named: "Examples")
            // With glibc compatibility (the default here), every function passes the checks.
            let result = try await Harness.runOffThePool(["build", "--release", "-v"], in: root)
            return Built(packageRoot: root, result: result)
        }
        self.task = task
        return try await task.value
    }
}
