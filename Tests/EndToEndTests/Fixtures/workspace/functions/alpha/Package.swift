// swift-tools-version: 6.0
// A member of the workspace fixture: one executable product.
import PackageDescription

let package = Package(
    name: "Alpha",
    products: [.executable(name: "alpha", targets: ["Alpha"])],
    targets: [.executableTarget(name: "Alpha")]
)
