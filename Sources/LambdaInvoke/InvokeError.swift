public import LambdaEmulator
public import LambdaSupport

/// Why running an artifact locally failed, in the words the user sees: what happened, then
/// what to do. The function's own output (on standard error) comes before the message.
public enum InvokeError: Error, Sendable, Equatable {
    // Finding and preparing the artifact.
    case artifactMissing(function: String, path: String, available: [String], zip: Bool)
    case extensionMissing(name: String, path: String, zip: Bool)
    /// NAME names an extension (`<dir>/extensions/NAME`): it runs beside a function.
    case builtAsExtension(name: String, path: String, functions: [String])
    /// `--extension NAME` names a function (`<dir>/NAME/bootstrap`).
    case builtAsFunction(name: String, path: String)
    /// The lambda directory holds a flattened build (`<dir>/bootstrap`) and no `<dir>/NAME`.
    case builtFlattened(function: String, path: String, zip: Bool)
    /// `--flattened`, but no `<dir>/bootstrap` (or `bootstrap.zip`).
    case flattenedMissing(function: String, path: String, zip: Bool)
    case notExecutable(path: String, permissions: UInt32, fromZip: Bool)
    /// `--image`: the image cannot be run as it is.
    case imageMissing(function: String, path: String)
    case imageUnusable(reason: String)
    case imageArchitecture(image: String, host: String)
    case contradictoryFormats
    case containerWithoutImage
    case containerLoadFailed(cli: String, path: String, reason: String)
    case invalidEnvironment(String)
    case reservedEnvironment(String)
    case invalidPayload(source: String, reason: String)
    case unreadableDataFile(path: String, reason: String)
    case unknownDataExample(String, available: [String])
    case cannotStart(what: String, reason: String)
    case invalidName(String)
    // Faults of the function and its extensions.
    case initExited(function: String, Termination, initError: ErrorReport?)
    case initFailed(function: String, ErrorReport, Termination)
    case initTimedOut(function: String, limit: Duration)
    case extensionExited(name: String, Termination, registered: Bool)
    case extensionDidNotRegister(name: String, limit: Duration)
    case extensionInitError(name: String, ErrorReport)
    case extensionsNotReady(names: [String], limit: Duration)
    case timedOut(function: String, requestID: String, limit: Duration)
    case crashed(function: String, requestID: String, Termination)
    case abandoned(function: String, requestID: String, ErrorReport)
    /// The function answered with an error object (already printed on standard output).
    case functionError(function: String, ErrorReport)
    case interrupted

    /// The status `swift-lambda` exits with: 130 after an interrupt, as shells do, else 1.
    public var exitStatus: Int32 { self == .interrupted ? 130 : 1 }
}

extension InvokeError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .artifactMissing(let function, let path, let available, let zip):
            let build = "swift-lambda build --product \(function)" + (zip ? " --output-format zip" : "")
            let others = available.isEmpty ? "" : " (this lambda directory has: \(available.joined(separator: ", ")))"
            return "no \(zip ? "bootstrap.zip" : "bootstrap") for '\(function)' at \(path)\(others); build it with `\(build)`, or pass --lambda-dir or --package-path"
        case .extensionMissing(let name, let path, let zip):
            return "no extension '\(name)' at \(path); build it with `swift-lambda build --extension --product \(name)\(zip ? " --output-format zip" : "")`"
        case .builtAsExtension(let name, let path, let functions):
            let others = functions.isEmpty
                ? "; this lambda directory has no function yet: build one with `swift-lambda build --product FUNCTION`"
                : " (this lambda directory has: \(functions.joined(separator: ", ")))"
            return "'\(name)' was built as an extension (\(path)); run it beside a function: pass the function's name and --extension \(name)\(others)"
        case .builtAsFunction(let name, let path):
            return "'\(name)' was built as a function (\(path)), not an extension; pass it as the function's name instead of --extension \(name)"
        case .builtFlattened(let function, let path, _):
            return "no '\(function)' in \(FileSystem.parent(of: path)), which holds a flattened build (\(path), from swift-lambda build --flatten); if that is \(function), pass --flattened to run it"
        case .flattenedMissing(let function, let path, let zip):
            return "no flattened \(zip ? "bootstrap.zip" : "bootstrap") at \(path); build it with `swift-lambda build --flatten \(function)\(zip ? " --output-format zip" : "")`, or drop --flattened to run \(function)/bootstrap"
        case .notExecutable(let path, let permissions, let fromZip):
            let mode = String(permissions, radix: 8)
            return "\(path) is not executable (mode \(mode)\(fromZip ? " in the zip" : "")); Lambda would fail with Runtime.InvalidEntrypoint. Rebuild it with swift-lambda build"
        case .imageMissing(let function, let path):
            return "no image of \(function) at \(path); build it with swift-lambda build --output-format image --product \(function)"
        case .imageUnusable(let reason):
            return "the image cannot run: \(reason); rebuild it with swift-lambda build --output-format image"
        case .imageArchitecture(let image, let host):
            return "the image is \(image) and this machine \(host), and --image runs it with this machine's processor; build it for this machine, or run it with --container-cli where an engine emulates \(image)"
        case .contradictoryFormats:
            return "--image and --zip each name what to run; pass one of them"
        case .containerWithoutImage:
            return "--container-cli runs an image; add --image (and build it with --output-format image)"
        case .containerLoadFailed(let cli, let path, let reason):
            return "\(cli) could not load \(path) (\(reason)); check that \(cli) works here (\(cli) info), or drop --container-cli to run the image without an engine"
        case .invalidEnvironment(let assignment):
            return "--env '\(assignment)' is not KEY=VALUE; write it as --env NAME=value"
        case .reservedEnvironment(let key):
            return "--env \(key) cannot be set: swift-lambda sets it as Lambda does; remove it"
        case .invalidPayload(let source, let reason):
            return "\(source) is not JSON (\(reason)); pass one JSON value, for example --data '{}'"
        case .unreadableDataFile(let path, let reason):
            return "cannot read --data-file \(path) (\(reason)); check the path"
        case .unknownDataExample(let name, let available):
            return "no example event named '\(name)'\(Suggestion.nearest(to: name, among: available).map { " (did you mean '\($0)'?)" } ?? ""); there are: \(available.joined(separator: ", ")) (--data-example list describes them)"
        case .invalidName(let name):
            return "'\(name)' is not a function or extension name; pass the name of a product, such as echo"
        case .cannotStart(let what, let reason):
            return "could not start \(what): \(reason); check that it was built for this machine's architecture and is executable"
        case .initExited(let function, let termination, let initError):
            let reported = initError.map { "; it reported init/error \(Self.summary(of: $0))" } ?? ""
            return "\(function) \(termination) during initialisation, before asking for an invocation\(reported); its output is above: fix the cause and build again"
        case .initFailed(let function, let report, let termination):
            return "\(function) reported init/error \(Self.summary(of: report)) and then \(termination.afterStop); its output is above: fix the cause and build again"
        case .initTimedOut(let function, let limit):
            return "\(function) did not ask for an invocation (GET /2018-06-01/runtime/invocation/next) within \(limit.secondsText) seconds and was killed; make sure it polls AWS_LAMBDA_RUNTIME_API"
        case .extensionExited(let name, let termination, let registered):
            if registered {
                return "extension '\(name)' \(termination) before the function's invocation could start; its output is above"
            }
            return "extension '\(name)' \(termination) before registering; it must POST /2020-01-01/extension/register with Lambda-Extension-Name: \(name) (its output is above)"
        case .extensionDidNotRegister(let name, let limit):
            return "extension '\(name)' did not register within \(limit.secondsText) seconds and was killed; it must POST /2020-01-01/extension/register with Lambda-Extension-Name: \(name)"
        case .extensionInitError(let name, let report):
            return "extension '\(name)' reported init/error \(Self.summary(of: report)); fix the extension (its output is above)"
        case .extensionsNotReady(let names, let limit):
            return "extension\(names.count == 1 ? "" : "s") \(names.map { "'\($0)'" }.joined(separator: ", ")) registered but did not ask for an event (GET /2020-01-01/extension/event/next) within \(limit.secondsText) seconds; an invocation starts only when every extension waits for its next event"
        case .timedOut(let function, let requestID, let limit):
            return "\(function) did not answer invocation \(requestID) within \(limit.secondsText) seconds and was killed (Lambda reports Sandbox.Timedout); raise --timeout if it needs longer, or find where it blocks (its output is above)"
        case .crashed(let function, let requestID, let termination):
            return "\(function) \(termination) during invocation \(requestID) (Lambda reports Runtime.ExitError); its output is above"
        case .abandoned(let function, let requestID, let report):
            return "invocation \(requestID) of \(function) ended without an answer: \(Self.summary(of: report))"
        case .functionError(let function, let report):
            return "\(function) answered with an error, \(Self.summary(of: report)); the error object is on standard output"
        case .interrupted:
            return "interrupted; the function and its extensions were stopped"
        }
    }

    /// The error object a caller of the invoke API gets for this failure.
    public var errorReport: ErrorReport {
        switch self {
        case .initFailed(_, let report, _), .extensionInitError(_, let report), .abandoned(_, _, let report):
            return report
        case .initExited(_, let termination, let initError):
            return initError ?? ExecutionEnvironment.exitReport(termination)
        case .crashed(_, _, let termination):
            return ExecutionEnvironment.exitReport(termination)
        default:
            return ErrorReport(type: "Runtime.Unknown", message: description)
        }
    }

    /// `Type: message` from an error object, else its raw text.
    static func summary(of report: ErrorReport) -> String {
        let fields = ErrorFields(report.body)
        let type = fields.type ?? report.type
        guard let message = fields.message else {
            let text = report.text.trimmingWhitespace
            return type.map { text.isEmpty ? $0 : "\($0): \(text)" } ?? (text.isEmpty ? "(empty)" : text)
        }
        return type.map { "\($0): \(message)" } ?? message
    }
}

extension Termination {
    /// After a stop was requested: "exited with status 1", or "was killed" for our own SIGKILL.
    var afterStop: String {
        if case .signaled(9) = self { return "was killed" }
        return description
    }
}

extension Duration {
    /// Milliseconds with two decimals, as Lambda's REPORT lines write durations.
    public var millisecondsText: String {
        let hundredths = components.seconds * 100_000 + components.attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms"
    }
}
