import Foundation
import Testing

@testable import LambdaWatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The change watcher against real temporary packages, every test once with inotify and once
/// polling: what `swift-lambda watch` rebuilds for, and what it must not.
///
/// No sleep is an assertion: each wait is bounded (10 s) and ends as soon as the batch is
/// there; "nothing happened" is shown by a relevant change whose batch holds only its path.
@Suite(.serialized) struct ChangeWatcherTests {
    #if os(Linux)
    static let modes: [ChangeWatcher.Mode] = [.inotify, .polling]
    #else
    static let modes: [ChangeWatcher.Mode] = [.polling]
    #endif

    @Test(arguments: modes) func aModifiedFileIsABatch(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.writeFile("Sources/App/main.swift", "print(\"hello, again\")\n")
            try await package.expectNextBatch("Sources/App/main.swift")
        }
    }

    @Test(arguments: modes) func aCreatedFileIsABatch(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.writeFile("Sources/App/New.swift", "let new = 1\n")
            try await package.expectNextBatch("Sources/App/New.swift")
        }
    }

    @Test(arguments: modes) func aDeletedFileIsABatch(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.removeFile("Sources/App/Util.swift")
            try await package.expectNextBatch("Sources/App/Util.swift")
        }
    }

    @Test(arguments: modes) func aRenamedFileNamesBothPaths(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.moveFile("Sources/App/Util.swift", to: "Sources/App/Helpers.swift")
            try await package.expectNextBatch("Sources/App/Util.swift", "Sources/App/Helpers.swift")
        }
    }

    /// A directory and its first file written before inotify watches it (`mkdir -p` then a
    /// write, as `git checkout` or a generator does) are found by scanning the new directory.
    @Test(arguments: modes) func aDirectoryCreatedLaterIsReportedAndWatched(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.makeDirectory("Sources/Later")
            try package.writeFile("Sources/Later/A.swift", "let a = 1\n")
            try package.makeDirectory("Sources/Deep/er")
            try package.writeFile("Sources/Deep/er/B.swift", "let b = 1\n")
            let seen = try await package.batches(covering: "Sources/Later/A.swift", "Sources/Deep/er/B.swift")
            #expect(seen == ["Sources/Deep", "Sources/Deep/er", "Sources/Deep/er/B.swift", "Sources/Later", "Sources/Later/A.swift"])

            try package.writeFile("Sources/Later/A.swift", "let a = 2 // edited\n")
            try await package.expectNextBatch("Sources/Later/A.swift")
            try package.writeFile("Sources/Deep/er/B.swift", "let b = 2 // edited\n")
            try await package.expectNextBatch("Sources/Deep/er/B.swift")
        }
    }

    /// Build output, hidden folders, the lambda directory and what `.gitignore` names, whether
    /// their directories existed when the watch started or appear later.
    @Test(arguments: modes) func ignoredPathsAreNoChange(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.writeFile(".build/debug/App.o", "object")
            try package.makeDirectory(".build-foo")
            try package.writeFile(".build-foo/x", "x")
            try package.writeFile("target/lambda/App/bootstrap", "binary")
            try package.makeDirectory(".hidden")
            try package.writeFile(".hidden/x.swift", "let x = 1\n")
            try package.makeDirectory("Sources/App/.cache")
            try package.writeFile("Sources/App/.cache/x.swift", "let x = 1\n")
            try package.writeFile("Sources/App/debug.log", "log line\n")
            try package.writeFile("Sources/App/Generated/Gen.swift", "let generated = 2\n")
            try package.makeDirectory("Sources/App/Resources/generated")
            try package.writeFile("Sources/App/Resources/generated/data.json", "{}")
            try package.writeFile("out/lambda/App/bootstrap", "binary")
            try package.writeFile("README.md", "# edited\n")
            try package.writeFile("Sources/App/main.swift~", "backup")
            try package.writeFile("Sources/App/.main.swift.swp", "swap")

            try package.writeFile("Sources/App/main.swift", "print(\"relevant\")\n")
            try await package.expectNextBatch("Sources/App/main.swift")
        }
    }

    @Test(arguments: modes) func writesWithinTheQuietWindowAreOneBatch(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.writeFile("Sources/App/main.swift", "print(\"one\")\n// more\n")
            try package.writeFile("Sources/App/Util.swift", "let util = 2 // edited\n")
            try package.writeFile("Sources/App/Third.swift", "let third = 3\n")
            try package.writeFile("Package.swift", "// swift-tools-version: 6.1\n// edited\n")
            try await package.expectNextBatch(
                "Sources/App/main.swift", "Sources/App/Util.swift", "Sources/App/Third.swift", "Package.swift")
        }
    }

    /// `chmod` or `touch` of a directory changes nothing that is built (its entries report
    /// their own changes), so it must not start a rebuild.
    @Test(arguments: modes) func directoryAttributeChangesAreNoChange(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            for directory in ["Sources/App", "Sources", ""] {
                try package.setMode(directory, 0o700)
                try package.touch(directory)
                try package.setMode(directory, 0o755)
            }
            try package.writeFile("Sources/App/main.swift", "print(\"after chmod\")\n")
            try await package.expectNextBatch("Sources/App/main.swift")
        }
    }

    /// A file's mode is packaged (an executable resource stays executable) and `touch` is how
    /// one asks for a rebuild, so both count for a file.
    @Test(arguments: modes) func fileModeAndTouchCount(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.setMode("Sources/App/Resources/run.sh", 0o755)
            try await package.expectNextBatch("Sources/App/Resources/run.sh")
            try package.touch("Sources/App/Util.swift")
            try await package.expectNextBatch("Sources/App/Util.swift")
        }
    }

    @Test(arguments: modes) func manifestsAtTheRootCount(mode: ChangeWatcher.Mode) async throws {
        try await WatchedPackage.with(mode) { package in
            try package.writeFile("NOTES.txt", "not an input\n")
            try package.writeFile("Package.swift", "// swift-tools-version: 6.1\n// edited manifest\n")
            try await package.expectNextBatch("Package.swift")
            try package.writeFile("swift-lambda.toml", "[defaults]\nmemory = 256\n")
            try await package.expectNextBatch("swift-lambda.toml")
            try package.writeFile("swift-lambda.toml", "[defaults]\nmemory = 512 # edited\n")
            try await package.expectNextBatch("swift-lambda.toml")
        }
    }

    @Test(arguments: modes) func aMissingRootFailsTheStream(mode: ChangeWatcher.Mode) async throws {
        let root = WatchedPackage.temporaryPath()
        await #expect(throws: ChangeWatchError.missingRoot(root)) {
            for try await _ in ChangeWatcher.changes(roots: [root], mode: mode, pollInterval: .milliseconds(50)) {}
        }
    }
}

extension ChangeWatcherTests {
    /// A temporary package with a watcher on it: the batches it emitted, consumed in order.
    final class WatchedPackage: @unchecked Sendable {
        struct Timeout: Error, CustomStringConvertible {
            var description: String
        }

        struct SystemCallFailed: Error, CustomStringConvertible {
            var description: String
            init(_ call: String, _ path: String) { description = "\(call) \(path) failed with errno \(errno)" }
        }

        let root: String
        private let lock = NSLock()
        private var emitted: [ChangeBatch] = []
        private var consumed = 0
        private var statuses: [ChangeWatcher.Status] = []
        private var ended: Result<Void, any Error>?
        private var consumer: Task<Void, Never>?

        private init(root: String) {
            self.root = root
        }

        static func temporaryPath() -> String {
            FileManager.default.temporaryDirectory.resolvingSymlinksInPath()
                .appendingPathComponent("swift-lambda-watch-\(UUID().uuidString)").path
        }

        /// Runs `body` with a watched package made of sources, resources, manifests, build output
        /// and `.gitignore`d files; stops the watcher and removes the package however `body` ends.
        static func with(
            _ mode: ChangeWatcher.Mode, _ body: (WatchedPackage) async throws -> Void
        ) async throws {
            let package = WatchedPackage(root: temporaryPath())
            defer { try? FileManager.default.removeItem(atPath: package.root) }
            try package.writeFile("Package.swift", "// swift-tools-version: 6.1\n")
            try package.writeFile("README.md", "# App\n")
            try package.writeFile(".gitignore", "*.log\ngenerated/\nGenerated/\n")
            try package.writeFile("Sources/App/main.swift", "print(\"hello\")\n")
            try package.writeFile("Sources/App/Util.swift", "let util = 1\n")
            try package.writeFile("Sources/App/Resources/run.sh", "#!/bin/sh\n")
            try package.setMode("Sources/App/Resources/run.sh", 0o644)
            try package.writeFile("Sources/App/Generated/Gen.swift", "let generated = 1\n")
            try package.writeFile(".build/debug/App.swiftmodule", "module")
            try package.writeFile("target/lambda/App/bootstrap", "old binary")
            try package.writeFile("out/lambda/App/bootstrap", "old binary")

            // As WatchWorkflow builds it: the package's .gitignore files, and the lambda directory.
            let filter = ChangeFilter.load(roots: [package.root]).ignoring(package.root + "/out/lambda")
            package.start(mode, filter: filter)
            do {
                try await package.waitForStatus(.watching(mode))
                try await body(package)
            } catch {
                await package.stop()
                throw error
            }
            await package.stop()
        }

        private func start(_ mode: ChangeWatcher.Mode, filter: ChangeFilter) {
            let stream = ChangeWatcher.changes(
                roots: [root], filter: filter, mode: mode, pollInterval: .milliseconds(50),
                status: { [self] status in lock.withLock { statuses.append(status) } })
            consumer = Task { [self] in
                do {
                    for try await batch in stream { lock.withLock { emitted.append(batch) } }
                    lock.withLock { ended = .success(()) }
                } catch {
                    lock.withLock { ended = .failure(error) }
                }
            }
        }

        /// Ends the stream (as Ctrl-C does) and waits for the watcher thread to close its descriptors.
        private func stop() async {
            consumer?.cancel()
            await consumer?.value
            do {
                try await waitForStatus(.stopped)
            } catch {
                Issue.record(error, "the watcher thread did not stop")
            }
        }

        /// Checks `ready` every few milliseconds until it returns a value, or fails after `timeout`.
        private func poll<T>(_ what: @autoclosure () -> String, timeout: Duration, _ ready: () throws -> T?) async throws -> T {
            let deadline = ContinuousClock.now + timeout
            while true {
                if let value = try lock.withLock(ready) { return value }
                guard ContinuousClock.now < deadline else { throw Timeout(description: "\(what()) within \(timeout)") }
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        func waitForStatus(_ status: ChangeWatcher.Status, timeout: Duration = .seconds(10)) async throws {
            try await poll("no status \(status) (saw \(lock.withLock { statuses }))", timeout: timeout) {
                statuses.contains(status) ? () : nil
            }
        }

        /// The next batch the watcher emitted.
        func nextBatch(timeout: Duration = .seconds(10)) async throws -> ChangeBatch {
            try await poll("no batch", timeout: timeout) {
                if consumed < emitted.count {
                    consumed += 1
                    return emitted[consumed - 1]
                }
                if case .failure(let error) = ended { throw error }
                if ended != nil { throw Timeout(description: "the stream ended") }
                return nil
            }
        }

        /// Expects the next batch to name exactly `relatives` (paths below the root).
        func expectNextBatch(_ relatives: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let batch = try await nextBatch()
            #expect(batch.paths.map(relative) == relatives.sorted(), sourceLocation: sourceLocation)
        }

        /// The paths (below the root, sorted) of the next batches, as many as it takes to name every
        /// one of `relatives` (a scan or a read may end between two of a burst's changes).
        func batches(covering relatives: String..., timeout: Duration = .seconds(10)) async throws -> [String] {
            var seen: Set<String> = []
            while !Set(relatives).isSubset(of: seen) {
                seen.formUnion(try await nextBatch(timeout: timeout).paths.map(relative))
            }
            return seen.sorted()
        }

        func path(_ relative: String) -> String {
            relative.isEmpty ? root : root + "/" + relative
        }

        func relative(_ absolute: String) -> String {
            absolute == root ? "" : absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute
        }

        // MARK: File operations, each one system call on the package as an editor or a shell makes it.

        func makeDirectory(_ relative: String) throws {
            try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
        }

        /// Writes in place (open, truncate, write, close), creating the parent directories.
        func writeFile(_ relative: String, _ text: String) throws {
            let file = path(relative)
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw SystemCallFailed("open", file) }
            defer { _ = close(descriptor) }
            let bytes = Array(text.utf8)
            guard write(descriptor, bytes, bytes.count) == bytes.count else { throw SystemCallFailed("write", file) }
        }

        func removeFile(_ relative: String) throws {
            guard unlink(path(relative)) == 0 else { throw SystemCallFailed("unlink", relative) }
        }

        func moveFile(_ relative: String, to destination: String) throws {
            guard rename(path(relative), path(destination)) == 0 else { throw SystemCallFailed("rename", relative) }
        }

        func setMode(_ relative: String, _ mode: mode_t) throws {
            guard chmod(path(relative), mode) == 0 else { throw SystemCallFailed("chmod", relative) }
        }

        /// `touch`: both times set to now, the contents left alone.
        func touch(_ relative: String) throws {
            guard utimensat(AT_FDCWD, path(relative), nil, 0) == 0 else { throw SystemCallFailed("touch", relative) }
        }
    }
}
