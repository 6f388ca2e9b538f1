import Foundation
import NIOCore

/// Shutdown, reset, stop, and waiting for conditions on the state.
extension EmulatorCore {
    /// Sends SHUTDOWN to every extension registered for it; no invocation is handed out and no
    /// extension registers until `resetEnvironment()` (queued invocations wait for the next
    /// environment). Returns the names of the extensions told.
    func beginShutdown(reason: String, deadline: Duration) -> [String] {
        mutate { state, effects in
            state.snapshot.isShuttingDown = true
            let deadlineMs = Int64(Date().timeIntervalSince1970 * 1000) + deadline.nanoseconds / 1_000_000
            let event = ExtensionEvent(type: "SHUTDOWN", body: Array(JSON.object([
                ("eventType", JSON.quoted("SHUTDOWN")), ("shutdownReason", JSON.quoted(reason)),
                ("deadlineMs", String(deadlineMs)),
            ]).utf8))
            var told: [String] = []
            for index in state.extensions.indices where state.extensions[index].status.events.contains("SHUTDOWN") {
                deliver(event, toExtensionAt: index, in: &state, &effects)
                told.append(state.extensions[index].status.name)
            }
            return told
        }
    }

    /// Forgets the last environment (its extensions, its init error, its first contact), for
    /// a new function process after a shutdown; invocations in flight are abandoned.
    func resetEnvironment() {
        mutate { state, effects in
            let report = ErrorReport(type: "Runtime.ExitError", message: "the execution environment was reset")
            for (id, record) in state.records {
                if case .inFlight = record.phase { finish(id, .abandoned(report), in: &state, &effects) }
            }
            for item in state.extensions {
                if let waiter = item.waiter { effects.actions.append { waiter.promise.fail(EmulatorError.stopped) } }
            }
            state.extensions = []
            state.snapshot.initError = nil
            state.snapshot.firstContact = nil
            state.snapshot.firstNext = nil
            state.snapshot.isShuttingDown = false
            pump(&state, &effects)
        }
    }

    /// Fails every waiter, abandons every invocation and every `waitUntil`. Idempotent.
    func stop() {
        mutate { state, effects in
            guard !state.snapshot.isStopped else { return }
            state.snapshot.isStopped = true
            let report = ErrorReport(type: "Runtime.Unavailable", message: "the emulator stopped")
            for id in Array(state.records.keys) { finish(id, .abandoned(report), in: &state, &effects) }
            for waiter in state.runtimeWaiters { effects.actions.append { waiter.promise.fail(EmulatorError.stopped) } }
            state.runtimeWaiters = []
            for item in state.extensions {
                if let waiter = item.waiter { effects.actions.append { waiter.promise.fail(EmulatorError.stopped) } }
            }
            state.extensions = state.extensions.map { item in
                var copy = item
                copy.waiter = nil
                return copy
            }
            for (id, observer) in state.observers {
                if case .waiting(_, let fail) = observer { effects.actions.append { fail(EmulatorError.stopped) } }
                state.observers[id] = nil
            }
        }
    }

    /// Waits until `condition` returns a value for the current state; throws
    /// `CancellationError` when the task is cancelled and `EmulatorError.stopped` on stop.
    func waitUntil<T: Sendable>(_ condition: @escaping @Sendable (EmulatorSnapshot) -> T?) async throws -> T {
        let id = mutate { state, _ in
            let id = state.makeToken()
            state.observers[id] = .unset
            return id
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                mutate { state, effects in
                    guard case .unset? = state.observers[id] else {
                        state.observers[id] = nil  // cancelled before it could wait
                        effects.actions.append { continuation.resume(throwing: CancellationError()) }
                        return
                    }
                    if state.snapshot.isStopped {
                        state.observers[id] = nil
                        effects.actions.append { continuation.resume(throwing: EmulatorError.stopped) }
                        return
                    }
                    if let value = condition(state.currentSnapshot) {
                        state.observers[id] = nil
                        effects.actions.append { continuation.resume(returning: value) }
                        return
                    }
                    state.observers[id] = .waiting(
                        check: { snapshot in
                            guard let value = condition(snapshot) else { return nil }
                            return { continuation.resume(returning: value) }
                        },
                        fail: { error in continuation.resume(throwing: error) })
                }
            }
        } onCancel: {
            mutate { state, effects in
                switch state.observers[id] {
                case .unset?: state.observers[id] = .cancelled
                case .waiting(_, let fail)?:
                    state.observers[id] = nil
                    effects.actions.append { fail(CancellationError()) }
                default: break
                }
            }
        }
    }
}
