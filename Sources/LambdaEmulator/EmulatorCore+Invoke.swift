import Foundation
import NIOCore
import NIOHTTP1

/// Queueing invocations: from the invoke API (`POST /2015-03-31/functions/{name}/invocations`)
/// and from the library, and ending them from outside (a runtime that exited).
extension EmulatorCore {
    /// Queues an invocation; the future completes when it ends, however it ends.
    func enqueue(_ request: InvocationRequest, observer: InvocationObserver? = nil) -> (id: String, result: EventLoopFuture<InvocationResult>) {
        let id = UUID().uuidString.lowercased()
        let promise = timerLoop.makePromise(of: InvocationResult.self)
        let accepted = mutate { state, effects in
            guard !state.snapshot.isStopped else { return false }
            state.records[id] = .init(request: request, phase: .queued, promise: promise, observer: observer)
            state.queue.append(id)
            pump(&state, &effects)
            return true
        }
        if !accepted {
            let report = ErrorReport(type: "Runtime.Unavailable", message: "the emulator stopped")
            let result = InvocationResult(requestID: id, outcome: .abandoned(report), duration: nil)
            observer?(.finished(result))
            promise.succeed(result)
        }
        return (id, promise.futureResult)
    }

    func invoke(_ name: String, _ request: EmulatorRequest, on eventLoop: any EventLoop) -> Reply {
        let function = configuration.function
        guard configuration.acceptsAnyFunctionName || name == function.name else {
            var response = EmulatorResponse.error(
                .notFound, type: "ResourceNotFoundException",
                message: "Function not found: arn:aws:lambda:\(function.region):\(function.accountID):function:\(name); this emulator serves '\(function.name)'")
            response.headers.add(name: "X-Amzn-ErrorType", value: "ResourceNotFoundException")
            return .now(response)
        }
        let invocation: InvocationRequest
        switch InvokeAPI.invocation(headers: request.headers, body: request.body) {
        case .failure(let refusal):
            return .now(.error(HTTPResponseStatus(statusCode: refusal.status), type: refusal.type, message: refusal.message))
        case .success((_, .dryRun)):
            return .now(EmulatorResponse(status: .noContent, headers: [:]))
        case .success((let request, let type)):
            invocation = request
            guard type == .requestResponse else {
                let (id, _) = enqueue(invocation)
                return .now(EmulatorResponse(status: .accepted, headers: ["X-Amzn-RequestId": id]))
            }
        }
        // A caller that hangs up does not stop the invocation, as on Lambda.
        return .invocation(invocation)
    }

    /// The invoke API's answer to an invocation that was not streamed.
    func invokeAPIResponse(_ result: InvocationResult) -> EmulatorResponse {
        let (headers, body) = InvokeAPI.answer(result, version: configuration.function.version)
        return EmulatorResponse(status: .ok, headers: headers, body: body)
    }

    /// Ends a queued or in-flight invocation with `report` (its runtime exited, for example).
    func abandon(_ id: String, _ report: ErrorReport) {
        mutate { state, effects in finish(id, .abandoned(report), in: &state, &effects) }
    }

    /// Ends every queued and in-flight invocation with `report`.
    func abandonAll(_ report: ErrorReport, queuedToo: Bool) {
        mutate { state, effects in
            for (id, record) in state.records {
                if case .queued = record.phase, !queuedToo { continue }
                finish(id, .abandoned(report), in: &state, &effects)
            }
        }
    }
}
