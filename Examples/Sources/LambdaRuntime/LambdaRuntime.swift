// The public face of the runtime: the invocation context, the error a handler throws to fail
// an invocation, and the loop that fetches events and posts results.
//
// "Your binary is the runtime": Lambda starts `bootstrap` and expects it to poll
// http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next forever.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What Lambda says about one invocation, from the `Lambda-Runtime-*` headers of `next`.
public struct LambdaContext: Sendable {
    /// `Lambda-Runtime-Aws-Request-Id`: names the invocation in the response and error paths.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when Lambda stops the invocation, in Unix milliseconds.
    public var deadlineMilliseconds: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`: the function, version or alias that was invoked.
    public var invokedFunctionARN: String
    /// `Lambda-Runtime-Trace-Id`: the X-Ray trace header, also exported as `_X_AMZN_TRACE_ID`.
    public var traceID: String
    /// `Lambda-Runtime-Client-Context`: mobile SDK client context (JSON), if any.
    public var clientContext: String?
    /// `Lambda-Runtime-Cognito-Identity`: mobile SDK Cognito identity (JSON), if any.
    public var cognitoIdentity: String?

    public init(
        requestID: String, deadlineMilliseconds: Int64, invokedFunctionARN: String, traceID: String,
        clientContext: String? = nil, cognitoIdentity: String? = nil
    ) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
    }

    /// Milliseconds left before the deadline (negative once it passed), for handlers that must
    /// stop early rather than be killed mid-way.
    public var remainingMilliseconds: Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return deadlineMilliseconds - (Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
    }
}

/// An error a handler throws to fail an invocation with a chosen type and message; Lambda
/// shows both to the caller as `{"errorMessage": ..., "errorType": ...}`.
public struct LambdaError: Error, Sendable, CustomStringConvertible {
    public var errorType: String
    public var errorMessage: String

    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// Any error as a `LambdaError`: other types are named after their Swift type.
    init(describing error: any Error) {
        if let lambdaError = error as? LambdaError {
            self = lambdaError
        } else {
            self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
        }
    }

    public var description: String { "\(errorType): \(errorMessage)" }

    /// The JSON body Lambda expects on the error endpoints.
    var jsonBody: [UInt8] {
        Array("{\"errorMessage\":\(jsonString(errorMessage)),\"errorType\":\(jsonString(errorType))}".utf8)
    }
}

/// Runs `handler` for every invocation, forever.
///
/// The handler receives the raw event bytes and returns the raw response bytes; a thrown error
/// is posted to the invocation's error endpoint (as `LambdaError`, or named after its type), and
/// the loop continues. A failure to talk to the Runtime API ends the process with status 1, as
/// Lambda then restarts the runtime.
public func runLambda(_ handler: (_ event: [UInt8], _ context: LambdaContext) throws -> [UInt8]) -> Never {
    let api = RuntimeAPI.fromEnvironment()
    while true {
        let event: [UInt8]
        let context: LambdaContext
        do {
            (event, context) = try api.nextInvocation()
        } catch {
            exitWithMessage("cannot get the next invocation: \(error)")
        }
        // The X-Ray SDKs read the trace header from the environment.
        if context.traceID.isEmpty {
            unsetenv("_X_AMZN_TRACE_ID")
        } else {
            setenv("_X_AMZN_TRACE_ID", context.traceID, 1)
        }

        let result = Result { try handler(event, context) }
        let invocationPath = "invocation/\(percentEncoded(context.requestID))"
        do {
            switch result {
            case .success(let response):
                try api.post(invocationPath + "/response", body: response)
            case .failure(let error):
                let lambdaError = LambdaError(describing: error)
                writeStderr("invocation \(context.requestID) failed: \(lambdaError)\n")
                try api.post(invocationPath + "/error", error: lambdaError)
            }
        } catch {
            exitWithMessage("cannot post the result of invocation \(context.requestID): \(error)")
        }
    }
}

/// Reports a failure to initialise (before `runLambda`, e.g. missing configuration) to
/// `runtime/init/error`, so Lambda shows the reason to the caller, then exits with status 1.
public func reportInitError(_ error: LambdaError) -> Never {
    let api = RuntimeAPI.fromEnvironment()
    writeStderr("initialisation failed: \(error)\n")
    do {
        try api.post("init/error", error: error)
    } catch {
        exitWithMessage("cannot report the initialisation error: \(error)")
    }
    exit(1)
}

/// Writes to standard error without stdio, whose global `stderr` is not concurrency-safe.
func writeStderr(_ message: String) {
    var bytes = Array(message.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if written < 0 && lastErrno() == EINTR { continue }
        if written <= 0 { return }
        bytes = bytes.dropFirst(written)
    }
}

/// Prints a runtime failure and exits with status 1.
func exitWithMessage(_ message: String) -> Never {
    writeStderr("lambda runtime: \(message)\n")
    exit(1)
}

/// `text` with every byte outside RFC 3986's unreserved set percent-encoded, so a request id
/// can never change the shape of the path it is put in.
func percentEncoded(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            result.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            result += "%" + (hex.count == 1 ? "0" : "") + hex
        }
    }
    return result
}
