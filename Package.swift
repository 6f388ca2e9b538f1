// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-lambda",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swift-lambda", targets: ["swift-lambda"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // The CLI: parsing and dispatch only.
        .executableTarget(
            name: "swift-lambda",
            dependencies: [
                "LambdaBuild", "BuildPlanner", "Compilers", "LambdaChecks", "LambdaConfig", "LambdaDeploy", "LambdaInvoke",
                "LambdaWatch", "ProjectTemplates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), "LambdaSupport",
            ],
            swiftSettings: strictSettings
        ),
        // The build workflow: describe, plan, compile, package, summarise.
        .target(
            name: "LambdaBuild",
            dependencies: [
                "BuildPlanner", "Compilers", "Archiver", "ELFKit", "LambdaChecks", "LambdaConfig", "LambdaSupport", "GlibcCompat",
                "OCIImage", "OCIRegistry", "AWSClient",
            ],
            swiftSettings: strictSettings
        ),
        // Settings from swift-lambda.toml, SWIFT_LAMBDA_* variables and flags, layered, with their origins.
        .target(
            name: "LambdaConfig",
            dependencies: ["BuildPlanner", "LambdaSupport", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strictSettings
        ),
        // `new` and `init`: the templates in Templates/, rendered, written, and added to a Package.swift.
        .target(
            name: "ProjectTemplates",
            dependencies: ["Compilers", "LambdaSupport"],
            // Templates/ stays the single source: SwiftPM copies resources from outside a target's
            // folder since tools version 5.11 (docs/DESIGN.md).
            resources: [
                .copy("../../Templates/function"), .copy("../../Templates/http"), .copy("../../Templates/extension"),
            ],
            swiftSettings: strictSettings
        ),
        // Pure decisions: what to build and where every artifact goes.
        .target(name: "BuildPlanner", swiftSettings: strictSettings),
        // Compiler backends: a build request becomes an invocation value.
        .target(name: "Compilers", dependencies: ["BuildPlanner", "LambdaSupport"], swiftSettings: strictSettings),
        // Artifact writing: staged copies, atomic renames, zips through libarchive.
        .target(
            name: "Archiver",
            dependencies: ["BuildPlanner", "CArchive", "LambdaSupport"],
            swiftSettings: strictSettings
        ),
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"]), .brew(["libarchive"])]
        ),
        // OCI images for Lambda's container-image packaging: deterministic layers and image.tar through
        // libarchive, read back and unpacked without a container engine.
        .target(name: "OCIImage", dependencies: ["Archiver", "CArchive", "LambdaSupport"], swiftSettings: strictSettings),
        // ELF inspection without external tools: machine, dynamic needs, symbol versions.
        .target(name: "ELFKit", swiftSettings: strictSettings),
        // Lambda-readiness: runtime profiles and the checks every artifact passes before it is written.
        .target(name: "LambdaChecks", dependencies: ["BuildPlanner", "ELFKit", "LambdaSupport"], swiftSettings: strictSettings),
        // Host builds that start on older runtimes: rebinding to older glibc/libstdc++ symbol versions.
        .target(
            name: "GlibcCompat",
            dependencies: ["BuildPlanner", "ELFKit", "LambdaChecks", "LambdaSupport"],
            swiftSettings: strictSettings
        ),
        // Process running and file-system primitives shared by every library.
        .target(
            name: "LambdaSupport",
            dependencies: [
                "CSystemShims", "CLibCrypto",
            ],
            swiftSettings: strictSettings
        ),

        .target(name: "CSystemShims"),
        // SHA-256 and HMAC from the system's libcrypto: compiling BoringSSL (swift-crypto) cost more
        // of a clean build than everything else it brought (README, "Build time").
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl"])]
        ),

        // AWS over HTTPS: Signature Version 4, credentials as the SDKs find them, the few calls deploy makes.
        .target(name: "AWSClient", dependencies: ["LambdaSupport", "CCurlShims"], swiftSettings: strictSettings),
        // One HTTP exchange over libcurl's easy interface (curl_easy_setopt is variadic, so it is called from C).
        .target(name: "CCurlShims", linkerSettings: [.linkedLibrary("curl")]),
        // Pushing OCI images over the distribution API: references, logins (Docker config, Bearer tokens, ECR).
        .target(name: "OCIRegistry", dependencies: ["AWSClient", "LambdaSupport"], swiftSettings: strictSettings),
        // deploy, delete and invoke --remote: the built artifacts put on Lambda, nothing re-uploaded that did not change.
        .target(
            name: "LambdaDeploy",
            dependencies: [
                "AWSClient", "Archiver", "BuildPlanner", "ELFKit", "LambdaBuild", "LambdaChecks", "LambdaConfig", "LambdaSupport",
                "OCIImage", "OCIRegistry",
            ],
            swiftSettings: strictSettings
        ),
        // Lambda's service emulated locally: the Runtime, Extensions and invoke APIs over SwiftNIO.
        .target(
            name: "LambdaEmulator",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Running artifacts as Lambda would: locate or unzip, start with Lambda's environment, invoke, serve.
        .target(
            name: "LambdaInvoke",
            dependencies: [
                "LambdaEmulator", "Archiver", "LambdaConfig", "LambdaSupport", "BuildPlanner", "ELFKit", "LambdaChecks", "OCIImage",
            ],
            // Sample events for `invoke --data-example`, written from the shapes AWS documents.
            resources: [.copy("Events")],
            swiftSettings: strictSettings
        ),
        // `watch`: every function built, served on one port, rebuilt and reloaded on each change.
        .target(
            name: "LambdaWatch",
            dependencies: [
                "LambdaBuild", "LambdaInvoke", "LambdaEmulator", "LambdaConfig", "LambdaSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Benchmarks/zip.sh: the zip writer against Info-ZIP zip.
        .executableTarget(
            name: "zip-benchmark",
            dependencies: ["Archiver"],
            path: "Benchmarks/ZipBenchmark"
        ),

        // Test-only helpers: a Swift SDK for the host, compiled fixture runtimes, a raw HTTP client,
        // and deploy's independent peers (moto, boto3, botocore's signer, AWS's SigV4 suite).
        .target(
            name: "LambdaTestSupport",
            dependencies: ["Archiver", "LambdaEmulator", "LambdaInvoke", "LambdaSupport"],
            path: "Tests/LambdaTestSupport",
            // The helpers' Python scripts, run by path (TestPython.scriptsDirectory).
            exclude: ["Python"],
            swiftSettings: strictSettings
        ),
        // Installed tools (bsdtar, unzip, skopeo, python3...) run by the zip and image interop tests,
        // and the trait that skips a test without them; apart from LambdaTestSupport, so OCIImageTests
        // builds without SwiftNIO.
        .target(name: "ExternalToolSupport", path: "Tests/ExternalToolSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "BuildPlannerTests",
            dependencies: ["BuildPlanner"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        // SigV4 against AWS's suite and botocore's signer; the credential chain against moto's STS.
        .testTarget(
            name: "AWSClientTests", dependencies: ["AWSClient", "LambdaSupport", "LambdaTestSupport"],
            swiftSettings: strictSettings),
        // Pushes to a scripted transport and to a real docker-registry (read back with skopeo); ECR against moto.
        .testTarget(
            name: "OCIRegistryTests", dependencies: ["OCIRegistry", "AWSClient", "LambdaSupport", "LambdaTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(name: "LambdaSupportTests", dependencies: ["LambdaSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "CompilersTests", dependencies: ["Compilers", "BuildPlanner", "LambdaSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ArchiverTests",
            dependencies: [
                "Archiver", "BuildPlanner", "ExternalToolSupport", "LambdaSupport", "LambdaTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        // Images read back by skopeo, umoci, bsdtar and Python; crafted tars the unpacker refuses.
        .testTarget(
            name: "OCIImageTests", dependencies: ["OCIImage", "Archiver", "ExternalToolSupport", "LambdaSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ELFKitTests", dependencies: ["ELFKit"],
            // Small real ELF files shared with the fuzzer (scripts/fuzz-elf), read by path.
            exclude: ["Corpus"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "LambdaChecksTests", dependencies: ["LambdaChecks", "ELFKit", "BuildPlanner"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "LambdaConfigTests", dependencies: ["LambdaConfig", "BuildPlanner", "LambdaSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "LambdaBuildTests", dependencies: ["LambdaBuild", "LambdaConfig"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "LambdaEmulatorTests", dependencies: ["LambdaEmulator", "LambdaTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "LambdaInvokeTests",
            dependencies: ["LambdaInvoke", "LambdaEmulator", "LambdaSupport", "Archiver", "LambdaTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "LambdaWatchTests",
            dependencies: ["LambdaWatch", "LambdaInvoke", "LambdaEmulator", "LambdaSupport", "LambdaTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LambdaDeployTests",
            dependencies: ["LambdaDeploy", "AWSClient", "Archiver", "BuildPlanner", "LambdaSupport", "LambdaTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ProjectTemplatesTests",
            dependencies: ["ProjectTemplates", "Compilers", "LambdaSupport"],
            // The expected rendering of every template, read by path (SWIFT_LAMBDA_RECORD_GOLDEN=1 re-records).
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GlibcCompatTests",
            dependencies: ["GlibcCompat", "ELFKit", "LambdaChecks", "BuildPlanner", "LambdaSupport", "LambdaTestSupport"],
            swiftSettings: strictSettings),
        // deploy against moto, read back with boto3; the test tools' own checks.
        .testTarget(
            name: "DeployTests",
            dependencies: ["LambdaTestSupport", "LambdaSupport", "LambdaDeploy", "AWSClient", "Archiver"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["swift-lambda", "LambdaTestSupport", "LambdaBuild", "Compilers", "LambdaEmulator", "LambdaInvoke", "ELFKit"],
            // Packages the tests copy and build; not part of this target.
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
    ]
)
