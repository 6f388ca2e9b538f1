#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LambdaEmulator
import LambdaSupport

extension ExecutionEnvironment {
    /// Lambda's shutdown phase: SHUTDOWN to the extensions registered for it and SIGTERM to the
    /// runtime, then SIGKILL for whatever is left after the grace periods. An extension is done
    /// when it exits or asks for its next event again. Idempotent; every process is reaped before
    /// it returns. Cancelling the caller (Ctrl-C) does not cut it short: the phase is bounded by
    /// the grace periods anyway, and extensions get to flush what they hold, as on Lambda.
    public func shutdown(reason: String) async {
        guard !isShutDown else { return }
        isShutDown = true
        // A new unstructured task does not inherit the caller's cancellation.
        await Task { await performShutdown(reason: reason) }.value
    }

    private func performShutdown(reason: String) async {
        let limits = self.limits
        let emulator = self.emulator
        let told = Set(emulator.beginShutdown(reason: reason, deadline: limits.extensionShutdown))
        let function = self.function
        let extensions = self.extensions
        await withTaskGroup(of: Void.self) { group in
            if let function {
                group.addTask { await function.stop(signal: SIGTERM, grace: limits.runtimeShutdown) }
            }
            for (name, process) in extensions {
                group.addTask {
                    if told.contains(name) {
                        _ = try? await Race.first(within: limits.extensionShutdown, expired: (), [
                            { _ = try await process.waitForExit() },
                            { try await emulator.waitUntil { snapshot in
                                snapshot.extensionNamed(name).flatMap { $0.isWaiting && $0.delivered.last == "SHUTDOWN" ? () : nil }
                            } },
                        ])
                    }
                    await process.stop(signal: SIGKILL, grace: .zero)
                }
            }
        }
        emulator.resetEnvironment()
    }
}
