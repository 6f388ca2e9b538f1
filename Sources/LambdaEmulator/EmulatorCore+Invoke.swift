import Foundation
import NIOCore
import NIOHTTP1

/// Queueing invocations: from the invoke API (`POST /2015-03-31/functions/{name}/invocations`)
/// and from the library, and ending them from outside (a runtime that exited).
extension EmulatorCore {
    /// Queues an invocation; the future completes when it ends, however it ends.
    func enqueue(_ request: InvocationRequest) -> (id: String, result: EventLoopFuture<InvocationResult>) {
        let id = UUID().uuidString.lowercased()
        let promise = timerLoop.makePromise(of: InvocationResult.self)
        let accepted = mutate { state, effects in
            guard !state.snapshot.isStopped else { return false }
            state.records[id] = .init(request: request, phase: .queued, promise: promise)
            state.queue.append(id)
            pump(&state, &effects)
            return true
        }
        if !accepted {
            let report = ErrorReport(type: "Runtime.Unavailable", message: "the emulator stopped")
            promise.succeed(InvocationResult(requestID: id, outcome: .abandoned(report), duration: nil))
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
        let invocationType = request.header("X-Amz-Invocation-Type") ?? "RequestResponse"
        guard ["RequestResponse", "Event", "DryRun"].contains(invocationType) else {
            return .now(.error(.badRequest, type: "InvalidParameterValueException",
                message: "X-Amz-Invocation-Type '\(invocationType)' is not one of RequestResponse, Event, DryRun"))
        }
        guard request.body.isEmpty || JSON.isValid(request.body) else {
            return .now(.error(.badRequest, type: "InvalidRequestContentException",
                message: "Could not parse request body into json: send one JSON value, such as {}"))
        }
        var clientContext: String?
        if let encoded = request.header("X-Amz-Client-Context") {
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                return .now(.error(.badRequest, type: "InvalidRequestContentException",
                    message: "X-Amz-Client-Context is not base64-encoded UTF-8 JSON"))
            }
            clientContext = text
        }
        if invocationType == "DryRun" { return .now(EmulatorResponse(status: .noContent, headers: [:])) }

        let invocation = InvocationRequest(
            payload: request.body.isEmpty ? Array("{}".utf8) : request.body, clientContext: clientContext,
            traceID: request.header("X-Amzn-Trace-Id"))
        let (id, result) = enqueue(invocation)
        if invocationType == "Event" {
            return .now(EmulatorResponse(status: .accepted, headers: ["X-Amzn-RequestId": id]))
        }
        // A caller that hangs up does not stop the invocation, as on Lambda.
        let response = result.map { result -> EmulatorResponse in
            let (body, functionError) = result.outcome.invokeAPIBody(requestID: id)
            var headers: HTTPHeaders = [
                "Content-Type": "application/json", "X-Amzn-RequestId": id, "X-Amz-Executed-Version": function.version,
            ]
            if functionError { headers.add(name: "X-Amz-Function-Error", value: "Unhandled") }
            return EmulatorResponse(status: .ok, headers: headers, body: body)
        }
        return .later(response.hop(to: eventLoop), cancel: {})
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
