// A small AWS Lambda Runtime API emulator for tests: it queues events, serves them to a runtime
// through `GET /2018-06-01/runtime/invocation/next`, and records what the runtime posts back.
// Test-only and deliberately small; it binds to 127.0.0.1 on a free port, so tests run in parallel.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a runtime posted for one invocation.
public enum InvocationOutcome: Equatable, Sendable, CustomStringConvertible {
    /// `POST invocation/{id}/response` with these body bytes.
    case response([UInt8])
    /// `POST invocation/{id}/error`, with its `Lambda-Runtime-Function-Error-Type` header (if
    /// sent) and body bytes.
    case error(type: String?, body: [UInt8])

    public var description: String {
        switch self {
        case .response(let body): "response(\(String(decoding: body, as: UTF8.self)))"
        case .error(let type, let body): "error(type: \(type ?? "nil"), body: \(String(decoding: body, as: UTF8.self)))"
        }
    }
}

/// Failures of the emulator and of `invokeOnce`.
public enum RuntimeAPIEmulatorError: Error, Equatable, CustomStringConvertible {
    /// The listening socket could not be set up.
    case socket(String)
    /// No outcome for `requestID` arrived within `timeout`.
    case timedOut(requestID: String, timeout: Duration, stderr: String)
    /// The emulator was stopped while waiting for an outcome.
    case stopped(requestID: String)
    /// The runtime process ended before posting an outcome: its exit status (or the signal that
    /// ended it, when `uncaughtSignal`) and what it wrote to standard error.
    case processExitedEarly(status: Int32, uncaughtSignal: Bool, stderr: String)

    public var description: String {
        switch self {
        case .socket(let message):
            "Runtime API emulator: \(message)"
        case .timedOut(let id, let timeout, let stderr):
            "no outcome for invocation \(id) within \(timeout)" + (stderr.isEmpty ? "" : "; stderr:\n\(stderr)")
        case .stopped(let id):
            "the emulator stopped before invocation \(id) had an outcome"
        case .processExitedEarly(let status, let signaled, let stderr):
            "the runtime \(signaled ? "was killed by signal" : "exited with status") \(status) before posting an outcome"
                + (stderr.isEmpty ? "" : "; stderr:\n\(stderr)")
        }
    }
}

/// An emulated Lambda Runtime API on 127.0.0.1. Serves until `stop()` or deinit.
public final class RuntimeAPIEmulator: Sendable {
    private let core: EmulatorCore
    /// The TCP port the emulator listens on.
    public let port: UInt16

    /// The value for `AWS_LAMBDA_RUNTIME_API`.
    public var endpoint: String { "127.0.0.1:\(port)" }

    /// Binds a free port on 127.0.0.1 and starts serving on a background thread.
    public init() throws {
        let (listener, port) = try Self.makeListener()
        self.port = port
        core = EmulatorCore(listener: listener)
        let thread = Thread { [core] in core.acceptLoop() }
        thread.name = "RuntimeAPIEmulator accept"
        thread.start()
    }

    deinit { core.stop() }

    /// Queues an event for the next `GET invocation/next`; returns its request id (a UUID).
    @discardableResult
    public func enqueue(event: [UInt8]) -> String {
        core.enqueue(event)
    }

    /// The outcome of `requestID` if the runtime has posted one.
    public func outcome(of requestID: String) -> InvocationOutcome? {
        core.outcome(of: requestID)
    }

    /// Waits until the runtime posts a response or error for `requestID`.
    public func waitForOutcome(of requestID: String, timeout: Duration) async throws -> InvocationOutcome {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let outcome = core.outcome(of: requestID) { return outcome }
            if core.isStopped { throw RuntimeAPIEmulatorError.stopped(requestID: requestID) }
            guard ContinuousClock.now < deadline else {
                throw RuntimeAPIEmulatorError.timedOut(requestID: requestID, timeout: timeout, stderr: "")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// What the runtime posted to `init/error`, if anything: the error-type header and body.
    public var initError: (type: String?, body: [UInt8])? {
        core.initError
    }

    /// Stops listening and wakes every pending `next` so the server threads end. Idempotent;
    /// also done on deinit.
    public func stop() {
        core.stop()
    }

    /// A listening TCP socket on 127.0.0.1 with a port chosen by the kernel.
    private static func makeListener() throws(RuntimeAPIEmulatorError) -> (fd: Int32, port: UInt16) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        #endif
        guard fd >= 0 else { throw .socket("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian  // 127.0.0.1
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 128) == 0
                    && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw .socket("cannot listen on 127.0.0.1: \(message)")
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}
