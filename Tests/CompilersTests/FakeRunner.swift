import LambdaSupport
import Synchronization

/// Records every invocation and answers from a script instead of running anything.
final class FakeRunner: ProcessRunning, Sendable {
    private let log = Mutex<[Invocation]>([])
    private let answer: @Sendable (Invocation) throws -> String

    init(answer: @escaping @Sendable (Invocation) throws -> String = { _ in "" }) {
        self.answer = answer
    }

    var invocations: [Invocation] { log.withLock { $0 } }

    func stream(_ invocation: Invocation, to destination: OutputDestination) async throws {
        log.withLock { $0.append(invocation) }
        _ = try answer(invocation)
    }

    func capture(_ invocation: Invocation) async throws -> CapturedOutput {
        log.withLock { $0.append(invocation) }
        return CapturedOutput(standardOutput: Array(try answer(invocation).utf8), standardError: [])
    }

    /// A runner whose every command fails the way a process exiting 1 does.
    static func failing(_ message: String) -> FakeRunner {
        FakeRunner { invocation in
            throw ProcessError.failed(invocation, status: 1, signal: nil, standardError: message)
        }
    }
}
