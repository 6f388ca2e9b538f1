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
        if invocationType == "Event" {
            let (id, _) = enqueue(invocation)
            return .now(EmulatorResponse(status: .accepted, headers: ["X-Amzn-RequestId": id]))
        }
        // A caller that hangs up does not stop the invocation, as on Lambda.
        return .invocation(invocation)
    }

    /// The invoke API's answer to an invocation that was not streamed.
    func invokeAPIResponse(_ result: InvocationResult) -> EmulatorResponse {
        let (body, functionError) = result.outcome.invokeAPIBody(requestID: result.requestID)
        var headers: HTTPHeaders = [
            "Content-Type": "application/json", "X-Amzn-RequestId": result.requestID,
            "X-Amz-Executed-Version": configuration.function.version,
        ]
        if functionError { headers.add(name: "X-Amz-Function-Error", value: "Unhandled") }
        return EmulatorResponse(status: .ok, headers: headers, body: body)
    }

    /// The head of the invoke API's answer to a streamed response: chunked, the runtime's
    /// content type, and the trailers that report an error after the body has begun.
    func invokeAPIStreamHeaders(requestID: String, contentType: String?) -> HTTPHeaders {
        [
            "Content-Type": contentType ?? "application/octet-stream", "X-Amzn-RequestId": requestID,
            "X-Amz-Executed-Version": configuration.function.version, "Transfer-Encoding": "chunked",
            "Trailer": "X-Amz-Function-Error, Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body",
        ]
    }

    /// The trailers that end a streamed answer: none after a clean end; after an error (the
    /// runtime's trailers, a timeout, an exit) the error type and the base64 error object, as
    /// the runtime itself reports a mid-stream error, and `X-Amz-Function-Error: Unhandled`.
    static func invokeAPITrailers(_ result: InvocationResult) -> HTTPHeaders? {
        let (body, functionError) = result.outcome.invokeAPIBody(requestID: result.requestID)
        guard functionError else { return nil }
        let type: String
        switch result.outcome {
        case .error(let report), .abandoned(let report): type = report.type ?? "Unhandled"
        case .timedOut: type = "Sandbox.Timedout"
        case .response: type = "Unhandled"
        }
        return [
            "X-Amz-Function-Error": "Unhandled", "Lambda-Runtime-Function-Error-Type": type,
            "Lambda-Runtime-Function-Error-Body": Data(body).base64EncodedString(),
        ]
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
