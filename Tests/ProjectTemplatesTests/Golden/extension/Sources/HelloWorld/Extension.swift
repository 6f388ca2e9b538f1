#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What hello-world does for each invocation of the function: put your work here. Lambda
/// waits for every extension to ask for its next event before it completes the invocation.
func handle(_ event: ExtensionEvent, name: String) {
    log("[\(name)] invoke \(event.requestID ?? "(no request id)")")
}

/// The life of the process: register, then events until SHUTDOWN. Any failure ends the process
/// with status 1 after one line on standard error, which Lambda reports as an extension error.
func runExtension(name: String, runtimeAPI: String?) -> Never {
    guard let runtimeAPI, !runtimeAPI.isEmpty else {
        fail("AWS_LAMBDA_RUNTIME_API is not set: \(name) is a Lambda extension and runs inside Lambda, which sets it")
    }
    let api: ExtensionsAPI
    let identifier: String
    do {
        api = ExtensionsAPI(endpoint: try Endpoint(runtimeAPI))
        identifier = try api.register(name: name)
    } catch {
        fail("\(name) could not register with the Extensions API at \(runtimeAPI): \(error)")
    }
    while true {
        let event: ExtensionEvent
        do {
            event = try api.nextEvent(identifier: identifier)
        } catch {
            api.reportExitError(identifier: identifier, type: "Extension.NextEventFailed", message: "\(error)")
            fail("\(name) could not read its next event: \(error)")
        }
        switch event.type {
        case "SHUTDOWN":
            log("[\(name)] shutdown (\(event.shutdownReason ?? "no reason given"))")
            exit(0)
        case "INVOKE":
            handle(event, name: name)
        default:
            log("[\(name)] ignoring an event of type \(event.type)")
        }
    }
}

/// One line on standard output, flushed at once so it reaches the log before the process is frozen.
func log(_ line: String) {
    print(line)
    fflush(nil)
}

/// One `error:` line on standard error, then exit status 1.
func fail(_ message: String) -> Never {
    let line = Array("error: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}
