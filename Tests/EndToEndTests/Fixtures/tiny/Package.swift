// swift-tools-version: 6.0
// A package with two implicit executable products and no dependencies:
// quick to compile, for the end-to-end tests of flags and failures.
import PackageDescription

let package = Package(
    name: "Tiny",
    targets: [
        .executableTarget(name: "Hello"),
        .executableTarget(name: "Bye"),
    ]
)
