// Small real Lambda runtimes and extensions in C (Tests/EndToEndTests/Fixtures/runtimes),
// compiled with `cc` once per test process and laid out the way `swift-lambda build` lays out
// artifacts, so faults (init errors, hangs, crashes, extensions that never register) are
// produced by processes that really do them.

import Archiver
import Foundation

public enum RuntimeFixtures {
    public struct Compiled: Sendable {
        /// The runtime (FIXTURE_MODE picks its behaviour; see runtime.c).
        public var runtime: String
        /// The extension (EXTENSION_MODE; see extension.c).
        public var `extension`: String
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    public static var sources: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EndToEndTests/Fixtures/runtimes").path
    }

    private static let compiledOnce: Result<Compiled, Failure> = {
        do {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("swift-lambda-runtimes-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let compiled = Compiled(runtime: "\(directory)/runtime", extension: "\(directory)/extension")
            try compile("runtime.c", to: compiled.runtime)
            try compile("extension.c", to: compiled.extension)
            return .success(compiled)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    /// The compiled fixtures (compiled on first use).
    public static func compiled() throws -> Compiled {
        try compiledOnce.get()
    }

    /// A new lambda directory holding `function` (`<dir>/<function>/bootstrap`, and with `zip`
    /// also `bootstrap.zip`) and the named extensions (`<dir>/extensions/<name>`, with `zip` also
    /// the layer `<dir>/extensions/<name>.zip`), all copies of the fixtures.
    public static func lambdaDirectory(function: String = "fixture", extensions: [String] = [], zip: Bool = false) throws -> String {
        let compiled = try compiled()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-lambda-fixture-\(UUID().uuidString.prefix(8))").path
        let files = FileManager.default
        try files.createDirectory(atPath: "\(directory)/\(function)", withIntermediateDirectories: true)
        try files.copyItem(atPath: compiled.runtime, toPath: "\(directory)/\(function)/bootstrap")
        if zip {
            try ZipWriter.write(
                [.file("bootstrap", source: compiled.runtime, executable: true)],
                to: "\(directory)/\(function)/bootstrap.zip", options: ZipOptions())
        }
        if !extensions.isEmpty {
            try files.createDirectory(atPath: "\(directory)/extensions", withIntermediateDirectories: true)
        }
        for name in extensions {
            try files.copyItem(atPath: compiled.extension, toPath: "\(directory)/extensions/\(name)")
            if zip {
                try ZipWriter.write(
                    [.directory("extensions"), .file("extensions/\(name)", source: compiled.extension, executable: true)],
                    to: "\(directory)/extensions/\(name).zip", options: ZipOptions())
            }
        }
        return directory
    }

    private static func compile(_ source: String, to output: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-O1", "-Wall", "-Werror", "-o", output, "\(sources)/\(source)"]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "cc \(source) exited with status \(process.terminationStatus)")
        }
    }
}
