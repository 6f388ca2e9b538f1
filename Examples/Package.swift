// swift-tools-version: 6.0
// Example Lambda functions for swift-lambda. They speak the Lambda Runtime API through the
// small `LambdaRuntime` target below, so the package has no dependencies and builds offline.
import PackageDescription

let package = Package(
    name: "Examples",
    products: [
        // Returns the event unchanged; no Foundation, so the binary stays small and needs only GLIBC_2.34.
        .executable(name: "echo", targets: ["Echo"]),
        // Decodes and encodes JSON with Foundation.
        .executable(name: "greeter", targets: ["Greeter"]),
        // Reads a SwiftPM resource bundle: the build tool must ship it beside `bootstrap`.
        .executable(name: "quotes", targets: ["Quotes"]),
    ],
    targets: [
        .target(name: "LambdaRuntime"),
        .executableTarget(name: "Echo", dependencies: ["LambdaRuntime"]),
        .executableTarget(name: "Greeter", dependencies: ["LambdaRuntime"]),
        .target(name: "QuoteBook", exclude: ["NOTICE.txt"], resources: [.copy("Resources/quotes.txt")]),
        .executableTarget(name: "Quotes", dependencies: ["LambdaRuntime", "QuoteBook"]),
    ]
)
