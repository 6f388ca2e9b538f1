// swift-tools-version: 6.3
import PackageDescription

// A Lambda extension without dependencies: it speaks the Extensions API over a socket of its own,
// so it links neither Foundation nor a networking library and can be built fully static.
let package = Package(
    name: "hello-world",
    products: [
        .executable(name: "hello-world", targets: ["HelloWorld"])
    ],
    targets: [
        .executableTarget(name: "HelloWorld"),
        .testTarget(
            name: "HelloWorldTests",
            dependencies: ["HelloWorld"]
        ),
    ]
)
