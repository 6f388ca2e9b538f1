import Foundation
import LambdaEmulator

/// `swift-lambda serve [NAME]`: an emulator that stays up and takes invoke-API requests.
///
/// With NAME it starts the artifact itself, keeps it warm across invocations, reports each
/// cold start (spawn to first `next`), and after a crash or a timeout starts a new environment
/// with the next invocation, as Lambda does. Without NAME it waits for a runtime started by
/// hand with the printed `AWS_LAMBDA_RUNTIME_API`, and reports its cold start from its first
/// contact. Either way it runs until the task is cancelled (Ctrl-C), then stops everything.
public struct ServeWorkflow: Sendable {
    /// nil: serve a runtime started by hand.
    public var function: FunctionSettings?
    public var port: Int
    /// The invocation timeout when no function is named (with one, its settings say).
    public var timeout: Duration
    public var context: InvokeContext

    public init(function: FunctionSettings?, port: Int = 0, timeout: Duration = .seconds(3), context: InvokeContext) {
        self.function = function
        self.port = port
        self.timeout = timeout
        self.context = context
    }

    public func run() async throws {
        let console = context.console
        let overrides = try function.map { try LambdaEnvironment.parse($0.environment) } ?? [:]
        var artifacts: PreparedArtifacts?
        if let function {
            let lambdaDirectory = try function.lambdaDirectory(in: context)
            artifacts = try await function.prepare(lambdaDirectory: lambdaDirectory, context: context)
            artifacts.map { context.describe($0, lambdaDirectory: lambdaDirectory) }
        }
        defer { artifacts?.remove() }

        let log = InvocationLog(console: console)
        let name = function?.name ?? "function"
        let emulator = try await LambdaEmulator.start(EmulatorConfiguration(
            port: port, function: LambdaEnvironment.identity(name: name, overrides: overrides),
            timeout: function?.timeout ?? timeout, extensionNames: function.map { Set($0.extensions) },
            acceptsAnyFunctionName: function == nil, onEvent: log.record))
        console.result("AWS_LAMBDA_RUNTIME_API=\(emulator.endpoint)")
        console.log("Lambda emulator on http://\(emulator.endpoint) (Ctrl-C stops it)")
        console.log("  invoke: curl -d '{}' http://\(emulator.endpoint)/2015-03-31/functions/\(name)/invocations")
        if function == nil {
            console.log("  start your function with: AWS_LAMBDA_RUNTIME_API=\(emulator.endpoint) ./bootstrap")
        }
        do {
            if let artifacts {
                try await WarmEnvironment.serve(artifacts, overrides: overrides, emulator: emulator, log: log, context: context)
            } else {
                try await serveByHand(emulator)
            }
        } catch is CancellationError {
            // Ctrl-C: the normal way to stop.
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
        console.log("stopped")
    }

    /// Reports the first runtime's cold start, then serves until cancelled.
    private func serveByHand(_ emulator: LambdaEmulator) async throws {
        let (contact, next) = try await emulator.waitUntil { snapshot -> (ContinuousClock.Instant, ContinuousClock.Instant)? in
            guard let next = snapshot.firstNext else { return nil }
            return (snapshot.firstContact ?? next, next)
        }
        context.console.log("a runtime asked for its first invocation: cold start \((next - contact).millisecondsText) (first contact to first next)")
        _ = try await emulator.waitUntil { _ -> Bool? in nil }
    }
}
