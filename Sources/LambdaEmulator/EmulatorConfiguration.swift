/// What the emulated function is called and how it is configured: the values Lambda puts in the
/// `next` headers, the register answer and the function's environment.
public struct FunctionIdentity: Sendable, Hashable {
    public var name: String
    public var version: String
    public var memorySize: Int
    public var region: String
    /// A placeholder account: nothing here talks to AWS, but runtimes parse the ARN.
    public var accountID: String

    public init(
        name: String, version: String = "$LATEST", memorySize: Int = 128, region: String = "us-east-1",
        accountID: String = "000000000000"
    ) {
        self.name = name
        self.version = version
        self.memorySize = memorySize
        self.region = region
        self.accountID = accountID
    }

    /// `Lambda-Runtime-Invoked-Function-Arn` and the ARN in error messages.
    public var arn: String { "arn:aws:lambda:\(region):\(accountID):function:\(name)" }
}

public struct EmulatorConfiguration: Sendable {
    /// The address to listen on. 127.0.0.1 by default: the emulator runs code with no
    /// authentication at all, so it must not be reachable from other machines by accident.
    public var host: String
    /// 0 picks a free port, so several emulators (tests, several `invoke`s) never collide.
    public var port: Int
    public var function: FunctionIdentity
    /// How long an invocation may run once the runtime has it (Lambda's function timeout).
    public var timeout: Duration
    /// When set, the only names an extension may register with (Lambda requires the name to be
    /// the file name in /opt/extensions; other names are refused with 403).
    public var extensionNames: Set<String>?
    /// When true, the invoke API answers for any function name, as a hand-started runtime may be
    /// any function; otherwise only `function.name` is found.
    public var acceptsAnyFunctionName: Bool
    /// Called, outside any lock and on an event loop thread, for every `EmulatorEvent`; keep it short.
    public var onEvent: (@Sendable (EmulatorEvent) -> Void)?

    /// Lambda's limit for a synchronous request and response payload (6 MB).
    public static let maximumPayloadBytes = 6 * 1024 * 1024

    public init(
        host: String = "127.0.0.1", port: Int = 0, function: FunctionIdentity, timeout: Duration = .seconds(3),
        extensionNames: Set<String>? = nil, acceptsAnyFunctionName: Bool = false,
        onEvent: (@Sendable (EmulatorEvent) -> Void)? = nil
    ) {
        self.host = host
        self.port = port
        self.function = function
        self.timeout = timeout
        self.extensionNames = extensionNames
        self.acceptsAnyFunctionName = acceptsAnyFunctionName
        self.onEvent = onEvent
    }
}

/// One event to deliver, with the optional context Lambda passes through to the runtime.
public struct InvocationRequest: Sendable, Hashable {
    public var payload: [UInt8]
    /// `Lambda-Runtime-Client-Context` (JSON); the invoke API takes it base64-encoded in
    /// `X-Amz-Client-Context`, as AWS does.
    public var clientContext: String?
    /// `Lambda-Runtime-Cognito-Identity` (JSON).
    public var cognitoIdentity: String?
    /// `Lambda-Runtime-Trace-Id`; one is made up when nil.
    public var traceID: String?

    public init(payload: [UInt8], clientContext: String? = nil, cognitoIdentity: String? = nil, traceID: String? = nil) {
        self.payload = payload
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.traceID = traceID
    }
}

/// An error object as a runtime or an extension posted it: the error-type header and the body.
public struct ErrorReport: Sendable, Hashable, CustomStringConvertible {
    public var type: String?
    public var body: [UInt8]

    public init(type: String?, body: [UInt8]) {
        self.type = type
        self.body = body
    }

    /// An error object in Lambda's shape, `{"errorMessage":...,"errorType":...}`.
    public init(type: String, message: String) {
        self.init(type: type, body: Array(JSON.errorObject(type: type, message: message).utf8))
    }

    /// The body as text (invalid UTF-8 shown as U+FFFD).
    public var text: String { String(decoding: body, as: UTF8.self) }

    public var description: String {
        let body = text
        guard let type, !type.isEmpty else { return body }
        return body.isEmpty ? type : "\(type): \(body)"
    }
}

/// How an invocation ended.
public enum InvocationOutcome: Sendable, Hashable {
    /// `POST invocation/{id}/response` with this body.
    case response([UInt8])
    /// `POST invocation/{id}/error`: the function reported an error.
    case error(ErrorReport)
    /// The runtime did not answer before the deadline.
    case timedOut(Duration)
    /// Ended without an answer from the runtime: it exited, its initialisation failed, or the
    /// emulator stopped. The report is the error object a caller of the invoke API receives.
    case abandoned(ErrorReport)

    /// The body the invoke API answers with, and whether it is a function error
    /// (`X-Amz-Function-Error: Unhandled`).
    func invokeAPIBody(requestID: String) -> (body: [UInt8], functionError: Bool) {
        switch self {
        case .response(let body): (body, false)
        case .error(let report), .abandoned(let report): (report.body, true)
        case .timedOut(let limit):
            (ErrorReport(type: "Sandbox.Timedout", message: "\(requestID) Task timed out after \(limit.secondsText) seconds").body, true)
        }
    }
}

public struct InvocationResult: Sendable, Hashable {
    public var requestID: String
    public var outcome: InvocationOutcome
    /// From the runtime receiving the event to its answer; nil when it never received it.
    public var duration: Duration?
    /// The runtime streamed its answer (`Lambda-Runtime-Function-Response-Mode: streaming`):
    /// its observer has seen the body in parts already, and `outcome` holds it whole.
    public var streamed = false

    public init(requestID: String, outcome: InvocationOutcome, duration: Duration? = nil, streamed: Bool = false) {
        self.requestID = requestID
        self.outcome = outcome
        self.duration = duration
        self.streamed = streamed
    }
}

/// What an invocation's observer is told, in order: a streamed answer's start and each of
/// its chunks as they arrive, then the end however it came (streamed or not).
public enum InvocationEvent: Sendable, Hashable {
    /// The runtime began a streamed response with this `Content-Type`.
    case streamStarted(requestID: String, contentType: String?)
    case chunk([UInt8])
    case finished(InvocationResult)
}

/// Called under the emulator's lock, so a chunk can never overtake the end that follows it:
/// it must only hand the event on (`AsyncStream.Continuation.yield`, `EventLoop.execute`),
/// never block or call back into the emulator.
public typealias InvocationObserver = @Sendable (InvocationEvent) -> Void

/// What the emulator tells its owner as it happens (for logs and cold-start figures).
public enum EmulatorEvent: Sendable, Hashable {
    /// The runtime asked for its next event (`count` such requests so far).
    case runtimeNext(count: Int)
    case invocationStarted(requestID: String)
    case invocationFinished(InvocationResult)
    /// `POST runtime/init/error`.
    case runtimeInitError(ErrorReport)
    case extensionRegistered(name: String, events: [String])
    /// `POST extension/init/error` or `extension/exit/error`.
    case extensionError(name: String, phase: ExtensionErrorPhase, ErrorReport)
    /// A request answered with a 4xx status, and why.
    case rejected(method: String, path: String, status: Int, message: String)
}

public enum ExtensionErrorPhase: String, Sendable, Hashable {
    case initialisation = "init"
    case exit
}

extension Duration {
    /// Seconds, as Lambda writes its timeout ("Task timed out after 3.00 seconds"): two decimals,
    /// a third when a millisecond would otherwise vanish ("0.001"). Every timeout message of
    /// swift-lambda writes `<secondsText> seconds`, so there is one unit everywhere.
    public var secondsText: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        let fraction = milliseconds % 1000
        let digits = String(fraction + 1000).dropFirst()
        return "\(milliseconds / 1000).\(fraction % 10 == 0 ? digits.dropLast() : digits)"
    }
}
