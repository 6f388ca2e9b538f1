import BuildPlanner
import Compilers
import LambdaSupport
import Testing

/// Issue 15, item 8: the bytes of a build must not depend on where the package is checked out.
@Suite struct CheckoutPathsTests {
    @Test func theRootIsMappedToAFixedPathNamedAfterTheManifest() {
        let request = BuildRequest(packagePath: "/home/ci/runner-7/work/checkout", packageName: "Examples", configuration: .release)
        #expect(request.mappedRoot == "/swift-lambda/Examples")
        let arguments = SwiftPMBackend(toolchain: toolchain, host: linuxX86).buildInvocation(for: request).arguments
        #expect(arguments.contains("/home/ci/runner-7/work/checkout=/swift-lambda/Examples"))
        #expect(arguments.contains("-ffile-prefix-map=/home/ci/runner-7/work/checkout=/swift-lambda/Examples"))
    }

    /// Two checkouts of one package differ in their command lines only where the root is named.
    @Test func twoCheckoutsGetTheSameFlagsButForTheirRoots() {
        let backend = SwiftPMBackend(toolchain: toolchain, host: linuxX86)
        func arguments(_ root: String) -> [String] {
            backend.buildInvocation(for: BuildRequest(packagePath: root, packageName: "Examples", configuration: .release, product: "quotes"))
                .arguments.map { $0.replacing(root, with: "<root>") }
        }
        #expect(arguments("/tmp/a/Examples") == arguments("/tmp/bb/deeper/Examples2"))
    }

    @Test func everyBackendMapsTheRootItsCompilerSees() {
        let request = BuildRequest(packagePath: "/home/me/pkg", packageName: "Examples", configuration: .debug, target: armGlibc)
        let sdk = SwiftSDKBackend(toolchain: toolchain, sdk: "al2023").buildInvocation(for: request).arguments
        #expect(sdk.contains("/home/me/pkg=/swift-lambda/Examples"))
        // Inside the container the root is /workspace; it is compiled as the same fixed path.
        let docker = DockerBackend(cli: .docker, image: "i", environment: [:]).buildInvocation(for: request).arguments
        #expect(docker.contains("/workspace=/swift-lambda/Examples"))
        #expect(docker.contains("-ffile-prefix-map=/workspace=/swift-lambda/Examples"))
        #expect(!docker.contains { $0.contains("/home/me/pkg=") })
    }

    /// Debug information names the toolchain's modules; a toolchain installed elsewhere (another
    /// runner, swiftly's directory) must not change the build id.
    @Test func theHostToolchainsDirectoryIsMappedUnlessItIsUsr() {
        let request = BuildRequest(packagePath: "/pkg", configuration: .release)
        let elsewhere = Toolchain(swift: "/home/ci/swift/usr/bin/swift", objcopy: nil, directory: "/home/ci/swift/usr")
        let arguments = SwiftPMBackend(toolchain: elsewhere, host: linuxX86).buildInvocation(for: request).arguments
        #expect(arguments.contains("/home/ci/swift/usr=/swift-lambda-toolchain/usr"))
        #expect(arguments.contains("-ffile-prefix-map=/home/ci/swift/usr=/swift-lambda-toolchain/usr"))
        #expect(SwiftSDKBackend(toolchain: elsewhere).buildInvocation(for: request).arguments.contains(
            "/home/ci/swift/usr=/swift-lambda-toolchain/usr"))
        let system = Toolchain(swift: "/usr/bin/swift", objcopy: nil, directory: "/usr")
        #expect(SwiftPMBackend(toolchain: system, host: linuxX86).buildInvocation(for: request).arguments == [
            "build", "--package-path", "/pkg", "-c", "release", "--static-swift-stdlib",
        ] + pathArguments + hostScratch)
        // The container's toolchain is the image's.
        let docker = DockerBackend(cli: .docker, image: "i", environment: [:]).buildInvocation(for: request).arguments
        #expect(!docker.contains { $0.contains("swift-lambda-toolchain") })
    }

    @Test func namesThatAPathOrAPrefixMapCannotHoldAreSpelledSafely() {
        #expect(CheckoutPaths.mappedRoot(packageName: "my-pkg_2.0") == "/swift-lambda/my-pkg_2.0")
        #expect(CheckoutPaths.mappedRoot(packageName: "a b/c=d") == "/swift-lambda/a_b_c_d")
        #expect(CheckoutPaths.mappedRoot(packageName: "") == "/swift-lambda/package")
        // A root holding `=` cannot be a prefix map's old half; the build id is still the content's.
        #expect(CheckoutPaths(root: "/tmp/a=b", mapped: "/swift-lambda/x").arguments == pathIndependentArguments)
    }

    /// A package using others by path: each is mapped, and so is the directory holding them all
    /// (Swift's line tables name a local package's files relative to it); one inside the root
    /// is the root's already.
    @Test func localPackagesAndTheTreeHoldingThemAreMapped() {
        let paths = CheckoutPaths(
            root: "/r/services/users", mapped: "/swift-lambda/Users", localPackages: ["/r/libs/common", "/r/services/users/Vendor/x"])
        #expect(paths.localPackages == ["/r/libs/common": "/swift-lambda/packages/common"])
        let maps = paths.arguments.enumerated().compactMap { index, argument in
            argument == "-file-prefix-map" ? paths.arguments[index + 2] : nil
        }
        #expect(maps == ["/r/services/users=/swift-lambda/Users", "/r/libs/common=/swift-lambda/packages/common", "/r=/swift-lambda/tree"])
        #expect(paths.arguments.contains("-ffile-prefix-map=/r=/swift-lambda/tree"))
        // Nothing above the root but `/`: no tree to map.
        #expect(CheckoutPaths(root: "/a/p", mapped: "/swift-lambda/P", localPackages: ["/b/q"]).commonAncestor == nil)
        #expect(CheckoutPaths(root: "/a/p", mapped: "/swift-lambda/P").commonAncestor == nil)
    }
}
