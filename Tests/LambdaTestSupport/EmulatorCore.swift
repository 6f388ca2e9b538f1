// The emulator's state and its server loop. Kept apart from `RuntimeAPIEmulator` so the threads
// hold this object, not the emulator: the emulator's deinit can then still run and stop them.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// State shared by the test and the server threads, all guarded by one condition variable:
/// `next` waits on it until an event is queued or the emulator stops.
final class EmulatorCore: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(id: String, event: [UInt8])] = []
    /// Invocations handed to the runtime that have no outcome yet.
    private var pending: Set<String> = []
    private var outcomes: [String: InvocationOutcome] = [:]
    private var recordedInitError: (type: String?, body: [UInt8])?
    private var stopped = false
    private let listener: Int32

    static let functionARN = "arn:aws:lambda:us-east-1:000000000000:function:test"
    private static let prefix = "/2018-06-01/runtime/"

    init(listener: Int32) { self.listener = listener }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    var isStopped: Bool { locked { stopped } }
    var initError: (type: String?, body: [UInt8])? { locked { recordedInitError } }
    func outcome(of requestID: String) -> InvocationOutcome? { locked { outcomes[requestID] } }

    func enqueue(_ event: [UInt8]) -> String {
        let id = UUID().uuidString.lowercased()
        locked {
            queue.append((id, event))
            condition.broadcast()
        }
        return id
    }

    /// Stops accepting, ends idle connections and wakes every waiting `next`. Idempotent.
    func stop() {
        locked {
            guard !stopped else { return }
            stopped = true
            // shutdown (not close) makes the port refuse connections and wakes the accept thread
            // without freeing the descriptor number, which could otherwise be reused while that
            // thread still polls it. Under the lock, so it always precedes the thread's close.
            shutdown(listener, Int32(SHUT_RDWR))
            condition.broadcast()
        }
    }

    // MARK: Server loop

    /// Accepts connections until stopped, serving each on its own thread: `next` blocks until an
    /// event is queued, and the runtime opens other connections meanwhile.
    func acceptLoop() {
        defer { locked { _ = close(listener) } }
        while !isStopped {
            var pollFD = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pollFD, 1, 100) > 0, !isStopped else { continue }
            let fd = accept(listener, nil, nil)
            // Not inherited by runtimes the tests spawn (accept4 is hidden without _GNU_SOURCE).
            if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            guard fd >= 0 else {
                if errno != EINTR && errno != EAGAIN && errno != ECONNABORTED { usleep(10_000) }  // e.g. EMFILE
                continue
            }
            let thread = Thread { [self] in
                serve(EmulatorConnection(fd: fd) { [self] in isStopped })
            }
            thread.name = "RuntimeAPIEmulator connection"
            thread.start()
        }
    }

    /// Answers requests on one connection until the client closes it, asks to, or sends
    /// something unparseable (answered 400, then closed).
    private func serve(_ connection: EmulatorConnection) {
        while true {
            let request: EmulatorRequest
            do {
                request = try connection.readRequest()
            } catch .rejected(let status, let reason) {
                let response = EmulatorResponse.error(status, type: "InvalidRequest", message: reason)
                connection.write(response.serialized(closing: true))
                return
            } catch {
                return
            }
            let closing = request.wantsClose
            if request.method == "GET" && request.path == Self.prefix + "invocation/next" {
                guard serveNext(on: connection, closing: closing), !closing else { return }
            } else {
                guard connection.write(route(request).serialized(closing: closing)), !closing else { return }
            }
        }
    }

    /// `GET invocation/next`: waits for an event and sends it; puts the event back at the head of
    /// the queue if the runtime hung up meanwhile, so it is not lost. False when the connection
    /// is done (stopped, or the client went away).
    private func serveNext(on connection: EmulatorConnection, closing: Bool) -> Bool {
        condition.lock()
        while queue.isEmpty && !stopped {
            condition.unlock()
            if connection.peerHasClosed() { return false }
            condition.lock()
            if queue.isEmpty && !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1)) }
        }
        if stopped {
            condition.unlock()
            return false
        }
        let (id, event) = queue.removeFirst()
        pending.insert(id)
        condition.unlock()

        let deadline = Int64(Date().timeIntervalSince1970 * 1000) + 30_000
        let response = EmulatorResponse(status: 200, headers: [
            ("Lambda-Runtime-Aws-Request-Id", id),
            ("Lambda-Runtime-Deadline-Ms", String(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn", Self.functionARN),
            ("Lambda-Runtime-Trace-Id", Self.traceID()),
            ("Content-Type", "application/json"),
        ], body: event)
        if connection.write(response.serialized(closing: closing)) { return true }
        locked {
            pending.remove(id)
            queue.insert((id, event), at: 0)
            condition.broadcast()
        }
        return false
    }

    /// Every request but `next`.
    private func route(_ request: EmulatorRequest) -> EmulatorResponse {
        guard request.path.hasPrefix(Self.prefix) else { return notFound(request) }
        let segments = request.path.dropFirst(Self.prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        switch (segments.count, segments.first, segments.last) {
        case (2, "init", "error"):
            guard request.method == "POST" else { return methodNotAllowed() }
            locked {
                recordedInitError = (request.header("Lambda-Runtime-Function-Error-Type"), request.body)
                condition.broadcast()
            }
            return .accepted
        case (3, "invocation", "response"), (3, "invocation", "error"):
            guard request.method == "POST" else { return methodNotAllowed() }
            let id = String(segments[1]).removingPercentEncoding ?? String(segments[1])
            let outcome: InvocationOutcome = segments[2] == "response"
                ? .response(request.body)
                : .error(type: request.header("Lambda-Runtime-Function-Error-Type"), body: request.body)
            let known = locked {
                guard pending.remove(id) != nil else { return false }
                outcomes[id] = outcome
                return true
            }
            guard known else {
                return .error(400, type: "InvalidRequestID", message: "no invocation \(id) is waiting for a result")
            }
            return .accepted
        case (2, "invocation", "next"):
            return methodNotAllowed(allow: "GET")
        default:
            return notFound(request)
        }
    }

    private func notFound(_ request: EmulatorRequest) -> EmulatorResponse {
        .error(404, type: "NotFound", message: "no route for \(request.method) \(request.path)")
    }

    private func methodNotAllowed(allow: String = "POST") -> EmulatorResponse {
        var response = EmulatorResponse.error(405, type: "MethodNotAllowed", message: "use \(allow)")
        response.headers.append(("Allow", allow))
        return response
    }

    /// An X-Ray trace header in the format Lambda uses.
    private static func traceID() -> String {
        let time = String(Int(Date().timeIntervalSince1970), radix: 16)
        let root = (0..<24).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
        let parent = (0..<16).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
        return "Root=1-\(time)-\(root);Parent=\(parent);Sampled=0"
    }
}
