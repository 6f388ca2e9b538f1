// swift-tools-version: 6.3
import PackageDescription

let package = Package(
    name: "hello-world",
    // swift-aws-lambda-runtime 2 needs macOS 15 when built on a Mac; Linux has no minimum.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hello-world", targets: ["HelloWorld"])
    ],
    dependencies: [
        .package(url: "https://github.com/awslabs/swift-aws-lambda-runtime.git", from: "2.0.0"),
        .package(url: "https://github.com/awslabs/swift-aws-lambda-events.git", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "HelloWorld",
            dependencies: [
                .product(name: "AWSLambdaRuntime", package: "swift-aws-lambda-runtime"),
                .product(name: "AWSLambdaEvents", package: "swift-aws-lambda-events"),
            ]
        ),
        .testTarget(
            name: "HelloWorldTests",
            dependencies: [
                "HelloWorld",
                .product(name: "AWSLambdaEvents", package: "swift-aws-lambda-events"),
            ]
        ),
    ]
)
