// swift-tools-version: {{SWIFT_TOOLS_VERSION}}
import PackageDescription

// A Lambda extension without dependencies: it speaks the Extensions API over a socket of its own,
// so it links neither Foundation nor a networking library and can be built fully static.
let package = Package(
    name: "{{PACKAGE_NAME}}",
    products: [
        .executable(name: "{{PRODUCT_NAME}}", targets: ["{{MODULE_NAME}}"])
    ],
    targets: [
        .executableTarget(name: "{{MODULE_NAME}}"),
        .testTarget(
            name: "{{MODULE_NAME}}Tests",
            dependencies: ["{{MODULE_NAME}}"]
        ),
    ]
)
