import Foundation
import LambdaEmulator
import LambdaInvoke
import LambdaSupport
import LambdaTestSupport
import Testing

/// The environment's init faults with short limits, through the library: the phases Lambda
/// bounds (registration, first `next`, extension readiness) each end in a named error, and the
/// processes are gone afterwards.
@Suite struct ExecutionEnvironmentTests {
    static let shortLimits = EnvironmentLimits(initialisation: .milliseconds(500), extensionShutdown: .milliseconds(200))

    /// Runs `fn` from a fixture lambda directory with `overrides`, returning the start's error.
    func startFailure(extensions: [String] = [], overrides: [String: String]) async throws -> InvokeError? {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn", extensions: extensions)
        let artifacts = try ArtifactLocator.prepare(function: "fn", extensions: extensions, zip: false, lambdaDirectory: lambda)
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(function: FunctionIdentity(name: "fn"), extensionNames: Set(extensions)))
        let pidFile = "\(lambda)/pid"
        var failure: InvokeError?
        do {
            _ = try await ExecutionEnvironment.run(
                artifacts, overrides: overrides.merging(["PID_FILE": pidFile]) { a, _ in a }, emulator: emulator,
                limits: Self.shortLimits, output: .file("\(lambda)/output")
            ) { environment in try await environment.start() }
        } catch let error as InvokeError {
            failure = error
        }
        await emulator.stop()
        if let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            #expect(kill(pid, 0) != 0, "the function (pid \(pid)) outlived its environment")
        }
        return failure
    }

    @Test func aRuntimeThatNeverAsksForAnInvocationIsKilled() async throws {
        let failure = try await startFailure(overrides: ["FIXTURE_MODE": "silent"])
        #expect(failure == .initTimedOut(function: "fn", limit: .milliseconds(500)))
    }

    @Test func anExtensionThatNeverRegistersIsKilled() async throws {
        let failure = try await startFailure(extensions: ["logger"], overrides: ["EXTENSION_MODE": "silent"])
        #expect(failure == .extensionDidNotRegister(name: "logger", limit: .milliseconds(500)))
    }

    @Test func anExtensionThatNeverAsksForAnEventHoldsTheFirstInvocation() async throws {
        let failure = try await startFailure(extensions: ["logger"], overrides: ["EXTENSION_MODE": "no-next"])
        #expect(failure == .extensionsNotReady(names: ["logger"], limit: .milliseconds(500)))
    }

    @Test func anExtensionInitErrorFailsTheStart() async throws {
        let failure = try await startFailure(extensions: ["logger"], overrides: ["EXTENSION_MODE": "init-error"])
        let report = ErrorReport(type: "Extension.ConfigError", body: Array(#"{"errorMessage":"no agent configured","errorType":"Extension.ConfigError"}"#.utf8))
        #expect(failure == .extensionInitError(name: "logger", report))
        #expect(failure.map { "\($0)" } == "extension 'logger' reported init/error Extension.ConfigError: no agent configured; fix the extension (its output is above)")
    }

    @Test func theColdStartIsMeasuredAndAnInvocationAnswered() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn")
        let artifacts = try ArtifactLocator.prepare(function: "fn", extensions: [], zip: false, lambdaDirectory: lambda)
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(function: FunctionIdentity(name: "fn")))
        let (initDuration, result) = try await ExecutionEnvironment.run(artifacts, overrides: [:], emulator: emulator, output: .discarded) { environment in
            let initDuration = try await environment.start()
            return (initDuration, try await environment.invoke(InvocationRequest(payload: Array("[1]".utf8))))
        }
        await emulator.stop()
        #expect(initDuration > .zero)
        #expect(result.outcome == .response(Array("[1]".utf8)))
    }

    @Test func streamedChunksReachTheCallerWhileTheFunctionStillRuns() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn")
        let artifacts = try ArtifactLocator.prepare(function: "fn", extensions: [], zip: false, lambdaDirectory: lambda)
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(function: FunctionIdentity(name: "fn")))
        let gate = "\(lambda)/gate"
        let seen = Locked<[String]>([])
        let overrides = ["FIXTURE_MODE": "stream", "STREAM_GATE": gate, "STREAM_CHUNKS": "3", "STREAM_INTERVAL_MS": "0"]
        let result = try await ExecutionEnvironment.run(artifacts, overrides: overrides, emulator: emulator, output: .discarded) { environment in
            _ = try await environment.start()
            return try await environment.invoke(InvocationRequest(payload: Array("{}".utf8))) { event in
                guard case .chunk(let bytes) = event else { return }
                let first = seen.withLock { seen in
                    seen.append(String(decoding: bytes, as: UTF8.self))
                    return seen.count == 1
                }
                // The fixture sends chunk 2 only once this file exists.
                if first { _ = FileManager.default.createFile(atPath: gate, contents: nil) }
            }
        }
        await emulator.stop()
        let chunks = seen.withLock { $0 }
        #expect(chunks.first == "chunk 1\n")
        #expect(chunks.joined() == "chunk 1\nchunk 2\nchunk 3\n")
        #expect(result.streamed)
        #expect(result.outcome == .response(Array("chunk 1\nchunk 2\nchunk 3\n".utf8)))
    }
}
