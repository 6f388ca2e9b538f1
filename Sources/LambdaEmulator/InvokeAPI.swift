import Foundation
public import NIOHTTP1

/// Lambda's invoke API (`POST /2015-03-31/functions/NAME/invocations`) as plain functions: what a
/// request asks for and how its answer is written. The emulator's own port and `watch`'s
/// gateway, which routes one port to many functions, both answer through these, so the two
/// cannot drift apart.
public enum InvokeAPI {
    public enum InvocationType: String, Sendable, Equatable {
        case requestResponse = "RequestResponse"
        case event = "Event"
        case dryRun = "DryRun"
    }

    /// A request the invoke API refuses: the status and the error object Lambda answers with.
    public struct Refusal: Error, Sendable, Equatable {
        public var status: Int
        public var type: String
        public var message: String

        public init(status: Int, type: String, message: String) {
            self.status = status
            self.type = type
            self.message = message
        }

        /// `{"errorMessage":...,"errorType":...}`, with `X-Amzn-ErrorType` as Lambda sends it.
        public var headers: HTTPHeaders { ["Content-Type": "application/json", "X-Amzn-ErrorType": type] }
        public var body: [UInt8] { Array(JSON.errorObject(type: type, message: message).utf8) }
    }

    /// The function a request names when it is an invoke-API request (any method; the caller
    /// refuses a method other than POST), percent-decoded; nil for any other path.
    public static func functionName(path: String) -> String? {
        if case .success(.invoke(let name)) = Route.resolve(method: "POST", path: path) { return name }
        return nil
    }

    /// The invocation a request asks for, from its `X-Amz-Invocation-Type`,
    /// `X-Amz-Client-Context` (base64 JSON) and `X-Amzn-Trace-Id` headers and its body (one JSON
    /// value, or nothing for `{}`), or why it is refused.
    public static func invocation(headers: HTTPHeaders, body: [UInt8]) -> Result<(InvocationRequest, InvocationType), Refusal> {
        let typeName = headers.first(name: "X-Amz-Invocation-Type") ?? "RequestResponse"
        guard let type = InvocationType(rawValue: typeName) else {
            return .failure(Refusal(
                status: 400, type: "InvalidParameterValueException",
                message: "X-Amz-Invocation-Type '\(typeName)' is not one of RequestResponse, Event, DryRun"))
        }
        guard body.isEmpty || JSON.isValid(body) else {
            return .failure(Refusal(
                status: 400, type: "InvalidRequestContentException",
                message: "Could not parse request body into json: send one JSON value, such as {}"))
        }
        var clientContext: String?
        if let encoded = headers.first(name: "X-Amz-Client-Context") {
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                return .failure(Refusal(
                    status: 400, type: "InvalidRequestContentException", message: "X-Amz-Client-Context is not base64-encoded UTF-8 JSON"))
            }
            clientContext = text
        }
        let request = InvocationRequest(
            payload: body.isEmpty ? Array("{}".utf8) : body, clientContext: clientContext, traceID: headers.first(name: "X-Amzn-Trace-Id"))
        return .success((request, type))
    }

    /// The answer (always 200) to an invocation that was not streamed; a function error is
    /// marked `X-Amz-Function-Error: Unhandled`.
    public static func answer(_ result: InvocationResult, version: String) -> (headers: HTTPHeaders, body: [UInt8]) {
        let (body, functionError) = result.outcome.invokeAPIBody(requestID: result.requestID)
        var headers: HTTPHeaders = [
            "Content-Type": "application/json", "X-Amzn-RequestId": result.requestID, "X-Amz-Executed-Version": version,
        ]
        if functionError { headers.add(name: "X-Amz-Function-Error", value: "Unhandled") }
        return (headers, body)
    }

    /// The head of the answer to a streamed response: chunked, the runtime's content type, and
    /// the trailers that report an error after the body has begun.
    public static func streamHeaders(requestID: String, contentType: String?, version: String) -> HTTPHeaders {
        [
            "Content-Type": contentType ?? "application/octet-stream", "X-Amzn-RequestId": requestID,
            "X-Amz-Executed-Version": version, "Transfer-Encoding": "chunked",
            "Trailer": "X-Amz-Function-Error, Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body",
        ]
    }

    /// The trailers that end a streamed answer: none after a clean end; after an error (the
    /// runtime's trailers, a timeout, an exit) the error type and the base64 error object, as
    /// the runtime itself reports a mid-stream error, and `X-Amz-Function-Error: Unhandled`.
    public static func trailers(_ result: InvocationResult) -> HTTPHeaders? {
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
}
