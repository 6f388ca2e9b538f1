// swift-tools-version: 6.0
// A function linking a Debian library that no Lambda runtime provides (libyaml), for
// `--bundle-libs`. The tests copy Examples/Sources/LambdaRuntime in beside it.
import PackageDescription

let package = Package(
    name: "yaml",
    products: [
        .executable(name: "yaml-count", targets: ["YamlCount"])
    ],
    targets: [
        .systemLibrary(name: "CYaml", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "LambdaRuntime"),
        .executableTarget(name: "YamlCount", dependencies: ["CYaml", "LambdaRuntime"]),
    ]
)
