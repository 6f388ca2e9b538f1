// swift-tools-version: {{SWIFT_TOOLS_VERSION}}
import PackageDescription

let package = Package(
    name: "{{PACKAGE_NAME}}",
    // swift-aws-lambda-runtime 2 needs macOS 15 when built on a Mac; Linux has no minimum.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "{{PRODUCT_NAME}}", targets: ["{{MODULE_NAME}}"])
    ],
    dependencies: [
        .package(url: "https://github.com/awslabs/swift-aws-lambda-runtime.git", from: "2.0.0"),
        .package(url: "https://github.com/awslabs/swift-aws-lambda-events.git", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "{{MODULE_NAME}}",
            dependencies: [
                .product(name: "AWSLambdaRuntime", package: "swift-aws-lambda-runtime"),
                .product(name: "AWSLambdaEvents", package: "swift-aws-lambda-events"),
            ]
        ),
        .testTarget(
            name: "{{MODULE_NAME}}Tests",
            dependencies: [
                "{{MODULE_NAME}}",
                .product(name: "AWSLambdaEvents", package: "swift-aws-lambda-events"),
            ]
        ),
    ]
)
