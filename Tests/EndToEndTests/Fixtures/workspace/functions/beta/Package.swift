// swift-tools-version: 6.0
// A member of the workspace fixture: one executable product.
import PackageDescription

let package = Package(
    name: "Beta",
    products: [.executable(name: "beta", targets: ["Beta"])],
    targets: [.executableTarget(name: "Beta")]
)
