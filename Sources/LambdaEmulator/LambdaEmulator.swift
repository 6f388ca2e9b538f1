#if canImport(Glibc)
import Glibc
#endif
public import NIOCore
import NIOConcurrencyHelpers
import NIOHTTP1
public import NIOPosix

/// Why the emulator could not serve.
public enum EmulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotListen(host: String, port: Int, reason: String)
    /// The emulator stopped while something waited on it.
    case stopped

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            "cannot listen on \(host):\(port): \(reason); choose another port, or 0 for a free one"
        case .stopped:
            "the Lambda emulator stopped"
        }
    }

    /// A socket error in the system's words ("address already in use"), without SwiftNIO's
    /// function name and errno number.
    public static func reason(_ error: any Error) -> String {
        guard let failure = error as? IOError else { return "\(error)" }
        let text = String(cString: strerror(failure.errnoCode))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

/// An emulated AWS Lambda service for one function: the Runtime API a `bootstrap` polls, the
/// Extensions API its extensions use, and the invoke API (`POST
/// /2015-03-31/functions/{name}/invocations`) callers use, on one HTTP port.
///
/// It runs no processes itself: whoever starts the function (`swift-lambda invoke`, `serve`,
/// a person in another terminal) points `AWS_LAMBDA_RUNTIME_API` at `endpoint` and watches the
/// emulator through `snapshot`, `waitUntil` and `EmulatorConfiguration.onEvent`. Malformed
/// requests are answered with a JSON error (400, 403, 404, 405, 413) and serving goes on.
public final class LambdaEmulator: Sendable {
    public let configuration: EmulatorConfiguration
    /// The port it listens on (the one the kernel picked when configured with 0).
    public let port: Int
    private let core: EmulatorCore
    private let listener: HTTPListener

    /// The value for `AWS_LAMBDA_RUNTIME_API`: `host:port`.
    public var endpoint: String {
        configuration.host.contains(":") ? "[\(configuration.host)]:\(port)" : "\(configuration.host):\(port)"
    }

    private init(configuration: EmulatorConfiguration, core: EmulatorCore, listener: HTTPListener) {
        self.configuration = configuration
        self.port = listener.port
        self.core = core
        self.listener = listener
    }

    /// Binds and starts serving on `group`'s threads.
    public static func start(
        _ configuration: EmulatorConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> LambdaEmulator {
        let core = EmulatorCore(configuration: configuration, timerLoop: group.next())
        let listener: HTTPListener
        do {
            listener = try await HTTPListener.bind(host: configuration.host, port: configuration.port, group: group) {
                EmulatorHTTPHandler(core: core)
            }
        } catch {
            throw EmulatorError.cannotListen(host: configuration.host, port: configuration.port, reason: EmulatorError.reason(error))
        }
        return LambdaEmulator(configuration: configuration, core: core, listener: listener)
    }

    /// The state now; see `waitUntil` to wait for a change.
    public var snapshot: EmulatorSnapshot { core.snapshot }

    /// Queues an invocation for the runtime's next `next`. `observer` is told of a streamed
    /// answer's start and chunks as they arrive, then of the end (see `InvocationObserver`).
    public func enqueue(_ request: InvocationRequest, observer: InvocationObserver? = nil) -> PendingInvocation {
        let (id, future) = core.enqueue(request, observer: observer)
        return PendingInvocation(requestID: id, future: future, core: core)
    }

    /// Queues an invocation and waits for it to end.
    public func invoke(_ request: InvocationRequest) async -> InvocationResult {
        await enqueue(request).result()
    }

    /// Ends a queued or in-flight invocation with `report`, as Lambda does when the runtime exits
    /// (`Runtime.ExitError`).
    public func abandon(_ requestID: String, with report: ErrorReport) {
        core.abandon(requestID, report)
    }

    /// Ends every in-flight invocation (and with `queuedToo`, every queued one) with `report`.
    public func abandonAll(with report: ErrorReport, queuedToo: Bool = false) {
        core.abandonAll(report, queuedToo: queuedToo)
    }

    /// Sends `SHUTDOWN` (with `reason`: spindown, timeout or failure) to the extensions
    /// registered for it and hands out no invocation until `resetEnvironment()`; returns who
    /// was told.
    @discardableResult
    public func beginShutdown(reason: String, deadline: Duration = .seconds(2)) -> [String] {
        core.beginShutdown(reason: reason, deadline: deadline)
    }

    /// Forgets the last execution environment (extensions, init error, first contact) so a new
    /// function process starts from scratch; queued invocations wait for it.
    public func resetEnvironment() {
        core.resetEnvironment()
    }

    /// Waits until `condition` gives a value for the emulator's state. Cancellable; throws
    /// `EmulatorError.stopped` if the emulator stops first.
    public func waitUntil<T: Sendable>(_ condition: @escaping @Sendable (EmulatorSnapshot) -> T?) async throws -> T {
        try await core.waitUntil(condition)
    }

    /// Stops listening, ends every connection and every pending invocation. Idempotent.
    public func stop() async {
        core.stop()
        await listener.close()
    }
}

/// An invocation in the queue or with the runtime.
public struct PendingInvocation: Sendable {
    public let requestID: String
    let future: EventLoopFuture<InvocationResult>
    let core: EmulatorCore

    /// Waits for the outcome. Cancelling the waiting task abandons the invocation, so a caller
    /// that gives up never leaves it queued.
    public func result() async -> InvocationResult {
        await withTaskCancellationHandler {
            do {
                return try await future.get()
            } catch {
                return InvocationResult(requestID: requestID, outcome: .abandoned(ErrorReport(type: "Runtime.Unavailable", message: "\(error)")), duration: nil)
            }
        } onCancel: { [core, requestID] in
            core.abandon(requestID, ErrorReport(type: "Runtime.Cancelled", message: "the caller stopped waiting"))
        }
    }
}
