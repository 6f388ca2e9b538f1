public import LambdaEmulator

/// One function kept warm behind one emulator, as Lambda keeps an execution environment:
/// `serve` runs it for its one function, `watch` for each environment of each function.
public enum WarmEnvironment {
    /// Starts environments one after another until cancelled: each serves until it fails (the
    /// function exits, an invocation times out, an extension exits), and the next starts when
    /// an invocation arrives, so a function that cannot start is not restarted in a loop.
    /// With `waitsForFirstInvocation` even the first waits for one (Lambda's cold start on
    /// first use); otherwise it starts at once. Cancelling shuts the environment down in order
    /// (SHUTDOWN to the extensions, SIGTERM then SIGKILL to the runtime).
    public static func serve(
        _ artifacts: PreparedArtifacts, overrides: [String: String], emulator: LambdaEmulator, log: InvocationLog,
        context: InvokeContext, waitsForFirstInvocation: Bool = false
    ) async throws {
        let console = context.console
        if waitsForFirstInvocation { try await emulator.waitUntil { $0.queued.isEmpty ? nil : () } }
        while true {
            do {
                try await ExecutionEnvironment.run(
                    artifacts, overrides: overrides, emulator: emulator, limits: context.limits, output: context.childOutput,
                    trace: context.trace
                ) { environment in
                    let initDuration = try await environment.start()
                    log.noteInit(initDuration)
                    let pid = await environment.functionProcessID.map { ", pid \($0)" } ?? ""
                    console.log("\(artifacts.function) is ready: cold start \(initDuration.millisecondsText) (spawn to first next\(pid))")
                    let end = try await environment.watch()
                    console.log("\(end); a new environment starts with the next invocation")
                }
            } catch let error as InvokeError {
                console.log("error: \(error)")
                // The invocations waiting for this environment get its failure, as on Lambda.
                emulator.abandonAll(with: error.errorReport, queuedToo: true)
            }
            try await emulator.waitUntil { $0.queued.isEmpty ? nil : () }
        }
    }
}
