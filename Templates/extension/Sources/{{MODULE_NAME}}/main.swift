// {{PRODUCT_NAME}}: a Lambda extension. Lambda starts it from /opt/extensions/{{PRODUCT_NAME}}
// before the function's runtime; it registers with the Extensions API and then handles one event
// at a time until SHUTDOWN. What it prints goes to the function's log.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Lambda accepts a registration only under the extension's own file name.
let name = CommandLine.arguments.first.flatMap { $0.split(separator: "/").last }.map(String.init) ?? "{{PRODUCT_NAME}}"
let runtimeAPI = getenv("AWS_LAMBDA_RUNTIME_API").map { String(cString: $0) }
runExtension(name: name, runtimeAPI: runtimeAPI)
