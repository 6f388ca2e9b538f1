// One invocation of a built artifact through the real LambdaEmulator and ExecutionEnvironment,
// for tests that check what a build produced (the Examples, SDK builds) without the CLI.

import Foundation
public import LambdaEmulator
import LambdaInvoke

public enum LocalInvocation {
    /// Runs `<taskRoot>/bootstrap` with Lambda's environment, sends `event`, and returns how the
    /// invocation ended and what the function printed. Faults (init failure, timeout, crash)
    /// are thrown as `InvokeError`, whose description names them.
    public static func invoke(
        taskRoot: String, event: [UInt8], timeout: Duration = .seconds(30)
    ) async throws -> (outcome: InvocationOutcome, output: String) {
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(function: FunctionIdentity(name: "test"), timeout: timeout))
        let outputFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-lambda-output-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: outputFile) }
        let artifacts = PreparedArtifacts(function: "test", taskRoot: taskRoot, optRoot: taskRoot + "/.no-layers")
        do {
            let result = try await ExecutionEnvironment.run(artifacts, overrides: [:], emulator: emulator, output: .file(outputFile)) { environment in
                _ = try await environment.start()
                return try await environment.invoke(InvocationRequest(payload: event))
            }
            await emulator.stop()
            return (result.outcome, (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? "")
        } catch {
            await emulator.stop()
            let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            throw LocalInvocationError(underlying: "\(error)", output: output)
        }
    }
}

public struct LocalInvocationError: Error, CustomStringConvertible {
    public var underlying: String
    public var output: String
    public var description: String { "\(underlying)\nfunction output:\n\(output)" }
}
