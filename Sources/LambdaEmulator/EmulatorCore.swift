import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// What the HTTP handler writes: a response now, or one that comes later (a long poll, an
/// invocation's result) with what to do if the client goes away first.
enum Reply {
    case now(EmulatorResponse)
    case later(EventLoopFuture<EmulatorResponse>, cancel: @Sendable () -> Void)
    /// An invoke-API invocation: the handler queues it with an observer of its own and writes
    /// the answer as the observer is told (whole, or streamed as the runtime streams it).
    case invocation(InvocationRequest)
}

/// Promise completions, continuation resumes and events gathered under the lock and run after
/// it is released, so no callback ever runs while the state is locked.
struct Effects {
    var actions: [() -> Void] = []
    var events: [EmulatorEvent] = []
}

/// The emulator's logic: requests in, responses out, all state behind one lock.
///
/// A lock rather than an actor: requests arrive on event loop threads, and the order in which
/// one connection's events happen (a long poll registered, then its connection closed) must be
/// the order in which the state sees them. Hopping each event to an actor through a new task
/// would not keep that order. Critical sections are short and never wait.
final class EmulatorCore: Sendable {
    let configuration: EmulatorConfiguration
    /// Where invocation deadlines are scheduled and result promises live.
    let timerLoop: any EventLoop
    private let box = NIOLockedValueBox(EmulatorState())

    init(configuration: EmulatorConfiguration, timerLoop: any EventLoop) {
        self.configuration = configuration
        self.timerLoop = timerLoop
    }

    /// Runs `body` under the lock, re-evaluates every `waitUntil` condition, then runs the
    /// gathered effects.
    func mutate<T>(_ body: (inout EmulatorState, inout Effects) -> T) -> T {
        var effects = Effects()
        let result = box.withLockedValue { state in
            let result = body(&state, &effects)
            if !state.observers.isEmpty {
                let snapshot = state.currentSnapshot
                for (id, observer) in state.observers {
                    guard case .waiting(let check, _) = observer, let resume = check(snapshot) else { continue }
                    state.observers[id] = nil
                    effects.actions.append(resume)
                }
            }
            return result
        }
        // Events first: a log line about an invocation must not race the task its result wakes.
        if let onEvent = configuration.onEvent {
            for event in effects.events { onEvent(event) }
        }
        for action in effects.actions { action() }
        return result
    }

    var snapshot: EmulatorSnapshot { box.withLockedValue { $0.currentSnapshot } }

    // MARK: Requests

    func handle(_ request: EmulatorRequest, on eventLoop: any EventLoop) -> Reply {
        let reply: Reply
        switch Route.resolve(method: request.method, path: request.path) {
        case .failure(let mismatch):
            var response = EmulatorResponse.error(
                HTTPResponseStatus(statusCode: mismatch.status),
                type: mismatch.status == 404 ? "NotFound" : "MethodNotAllowed", message: mismatch.message)
            if let allow = mismatch.allow { response.headers.add(name: "Allow", value: allow) }
            reply = .now(response)
        case .success(let route):
            reply = handle(route, request, on: eventLoop)
        }
        if case .now(let response) = reply { noteRejection(of: request, response) }
        return reply
    }

    /// Reports a 4xx answer as `EmulatorEvent.rejected`.
    func noteRejection(of request: EmulatorRequest, _ response: EmulatorResponse) {
        guard response.status.code >= 400, let onEvent = configuration.onEvent else { return }
        onEvent(.rejected(method: request.method, path: request.path, status: Int(response.status.code), message: response.errorMessage))
    }

    private func handle(_ route: Route, _ request: EmulatorRequest, on eventLoop: any EventLoop) -> Reply {
        if request.bodyTooLarge {
            if case .runtimeResponse(let id) = route { return .now(responseTooLarge(id)) }
            return .now(.error(
                .payloadTooLarge, type: "RequestTooLargeException",
                message: "the body is larger than \(EmulatorConfiguration.maximumPayloadBytes) bytes, Lambda's limit"))
        }
        switch route {
        case .runtimeNext: return runtimeNext(on: eventLoop)
        case .runtimeResponse(let id): return .now(finishFromRuntime(id, .response(request.body)))
        case .runtimeError(let id):
            let report = ErrorReport(type: request.header("Lambda-Runtime-Function-Error-Type"), body: request.body)
            return .now(finishFromRuntime(id, .error(report)))
        case .runtimeInitError:
            return .now(runtimeInitError(ErrorReport(type: request.header("Lambda-Runtime-Function-Error-Type"), body: request.body)))
        case .extensionRegister: return .now(register(request))
        case .extensionNext: return extensionNext(request, on: eventLoop)
        case .extensionInitError: return .now(extensionError(request, phase: .initialisation))
        case .extensionExitError: return .now(extensionError(request, phase: .exit))
        case .invoke(let name): return invoke(name, request, on: eventLoop)
        }
    }

    /// `GET invocation/next`: answered at once when an invocation is queued and the extensions
    /// are ready, else held until then.
    private func runtimeNext(on eventLoop: any EventLoop) -> Reply {
        let promise = eventLoop.makePromise(of: EmulatorResponse.self)
        let token: Int? = mutate { state, effects in
            guard !state.snapshot.isStopped else { return nil }
            state.noteContact()
            state.snapshot.runtimeNextCount += 1
            if state.snapshot.firstNext == nil { state.snapshot.firstNext = .now }
            effects.events.append(.runtimeNext(count: state.snapshot.runtimeNextCount))
            let token = state.makeToken()
            state.runtimeWaiters.append(.init(token: token, promise: promise))
            pump(&state, &effects)
            return token
        }
        guard let token else {
            promise.fail(EmulatorError.stopped)
            return .later(promise.futureResult, cancel: {})
        }
        return .later(promise.futureResult, cancel: { [self] in
            mutate { state, effects in
                guard let index = state.runtimeWaiters.firstIndex(where: { $0.token == token }) else { return }
                let waiter = state.runtimeWaiters.remove(at: index)
                effects.actions.append { waiter.promise.fail(ChannelError.ioOnClosedChannel) }
            }
        })
    }

    /// Hands queued invocations to waiting runtimes while the extensions are ready.
    func pump(_ state: inout EmulatorState, _ effects: inout Effects) {
        guard !state.snapshot.isStopped, !state.snapshot.isShuttingDown else { return }
        while !state.queue.isEmpty, !state.runtimeWaiters.isEmpty, state.extensionsReady {
            let id = state.queue.removeFirst()
            guard var record = state.records[id], case .queued = record.phase else { continue }
            let waiter = state.runtimeWaiters.removeFirst()
            let timeout = configuration.timeout
            let timer = timerLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [self] in
                mutate { state, effects in finish(id, .timedOut(timeout), in: &state, &effects) }
            }
            record.phase = .inFlight(since: .now, timer: timer)
            state.records[id] = record
            let response = nextResponse(id: id, record.request)
            effects.actions.append { waiter.promise.succeed(response) }
            effects.events.append(.invocationStarted(requestID: id))
            let deadline = response.headers.first(name: "Lambda-Runtime-Deadline-Ms") ?? "0"
            for index in state.extensions.indices where state.extensions[index].status.events.contains("INVOKE") {
                let event = ExtensionEvent(type: "INVOKE", body: Array(JSON.object([
                    ("eventType", JSON.quoted("INVOKE")), ("deadlineMs", deadline), ("requestId", JSON.quoted(id)),
                    ("invokedFunctionArn", JSON.quoted(configuration.function.arn)),
                    ("tracing", JSON.object([("type", JSON.quoted("X-Amzn-Trace-Id")),
                                             ("value", JSON.quoted(response.headers.first(name: "Lambda-Runtime-Trace-Id") ?? ""))])),
                ]).utf8))
                deliver(event, toExtensionAt: index, in: &state, &effects)
            }
        }
    }

    private func nextResponse(id: String, _ request: InvocationRequest) -> EmulatorResponse {
        let deadline = Int64(Date().timeIntervalSince1970 * 1000) + configuration.timeout.nanoseconds / 1_000_000
        var headers: HTTPHeaders = [
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": id,
            "Lambda-Runtime-Deadline-Ms": String(deadline),
            "Lambda-Runtime-Invoked-Function-Arn": configuration.function.arn,
            "Lambda-Runtime-Trace-Id": request.traceID ?? Self.makeTraceID(),
        ]
        if let context = request.clientContext { headers.add(name: "Lambda-Runtime-Client-Context", value: context) }
        if let identity = request.cognitoIdentity { headers.add(name: "Lambda-Runtime-Cognito-Identity", value: identity) }
        return EmulatorResponse(status: .ok, headers: headers, body: request.payload, handsOver: .invocation(requestID: id))
    }

    /// `POST invocation/{id}/response` and `/error`: only for an invocation the runtime holds.
    private func finishFromRuntime(_ id: String, _ outcome: InvocationOutcome) -> EmulatorResponse {
        mutate { state, effects in
            state.noteContact()
            if let refusal = refusal(ofResultFor: id, in: state) { return refusal }
            finish(id, outcome, in: &state, &effects)
            return .accepted
        }
    }

    /// Why the runtime may not post a result for `id` now; nil when it may.
    func refusal(ofResultFor id: String, in state: EmulatorState) -> EmulatorResponse? {
        guard let record = state.records[id] else {
            return .error(.badRequest, type: "InvalidRequestID", message: "no invocation \(id) is waiting for a result; it finished, timed out or never existed")
        }
        guard case .inFlight = record.phase else {
            return .error(.badRequest, type: "InvalidRequestID", message: "invocation \(id) has not been handed to the runtime yet")
        }
        if record.streamedBody != nil {
            return .error(.badRequest, type: "InvalidRequestID", message: "invocation \(id) is already answering with a streamed response")
        }
        return nil
    }

    private func responseTooLarge(_ id: String) -> EmulatorResponse {
        let limit = EmulatorConfiguration.maximumPayloadBytes
        let report = ErrorReport(type: "Function.ResponseSizeTooLarge", message: "Response payload size exceeded maximum allowed payload size (\(limit) bytes).")
        mutate { state, effects in
            if let record = state.records[id], case .inFlight = record.phase {
                finish(id, .error(report), in: &state, &effects)
            }
        }
        return .error(.payloadTooLarge, type: "Function.ResponseSizeTooLarge", message: "the response is larger than \(limit) bytes, Lambda's limit")
    }

    /// Ends an invocation (a result, a timeout, an abandonment) and resolves its promise.
    func finish(_ id: String, _ outcome: InvocationOutcome, in state: inout EmulatorState, _ effects: inout Effects) {
        guard let record = state.records.removeValue(forKey: id) else { return }
        var duration: Duration?
        switch record.phase {
        case .queued:
            state.queue.removeAll { $0 == id }
        case .inFlight(let since, let timer):
            timer.cancel()
            duration = ContinuousClock.now - since
        }
        var result = InvocationResult(requestID: id, outcome: outcome, duration: duration)
        result.streamed = record.streamedBody != nil
        state.snapshot.finishedCount += 1
        if case .timedOut = outcome { state.snapshot.timedOutCount += 1 }
        record.observer?(.finished(result))
        effects.actions.append { record.promise.succeed(result) }
        effects.events.append(.invocationFinished(result))
    }

    private func runtimeInitError(_ report: ErrorReport) -> EmulatorResponse {
        mutate { state, effects in
            state.noteContact()
            state.snapshot.initError = report
            effects.events.append(.runtimeInitError(report))
            // Lambda fails the invocations waiting for this environment with the init error.
            for id in state.queue { finish(id, .abandoned(report), in: &state, &effects) }
            return .accepted
        }
    }

    /// A response handed to a connection that closed before it was written: the invocation goes
    /// back to the head of the queue, the extension event back to the head of its list.
    func handOverFailed(_ handOver: EmulatorResponse.HandOver) {
        mutate { state, effects in
            switch handOver {
            case .invocation(let id):
                guard var record = state.records[id], case .inFlight(_, let timer) = record.phase else { return }
                timer.cancel()
                record.phase = .queued
                state.records[id] = record
                state.queue.insert(id, at: 0)
            case .extensionEvent(let identifier, let event):
                guard let index = state.extensionIndex(identifier: identifier) else { return }
                state.extensions[index].pending.insert(event, at: 0)
                if state.extensions[index].status.delivered.last == event.type {
                    state.extensions[index].status.delivered.removeLast()
                }
            }
            pump(&state, &effects)
        }
    }

    /// An X-Ray trace header in the format Lambda uses.
    static func makeTraceID() -> String {
        let hex = { (count: Int) in (0..<count).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined() }
        return "Root=1-\(String(Int(Date().timeIntervalSince1970), radix: 16))-\(hex(24));Parent=\(hex(16));Sampled=0"
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
