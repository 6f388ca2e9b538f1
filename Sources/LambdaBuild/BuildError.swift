public import LambdaSupport

/// Why a build stopped, in the words the user sees.
public enum BuildError: Error, Sendable, Equatable {
    case notAPackage(path: String)
    case manifestFailed(path: String, diagnostics: String)
    case describeUnreadable(path: String, reason: String)
    /// The compiler failed; its own diagnostics were already streamed.
    case compilerFailed(ProcessError)
    case lambdaDirectoryUnusable(FileSystemError)
    case wrongArchitecture(product: String, found: String, target: String)
    case notALambdaBinary(product: String, path: String, reason: String)
    case checksFailed(products: [String], runtime: String)
    case bundleLibsUnsupported(compiler: String)
    /// `--output-format image` takes the closure's files from this host or the SDK's sysroot.
    case imageUnsupported(compiler: String)
    case imageNotPlanned(product: String)
    case caBundleMissing(path: String)
    case imageFlagsWithoutImage(flags: [String])
    /// Writing under `path` failed for want of space on the file system mounted at `mount`.
    case diskFull(path: String, mount: String)

    /// `error` as a full disk when it is one (its text, or for a failed compile, which streamed
    /// its output, the space left where it writes), else `error` itself.
    public static func classifyingDiskFull(_ error: any Error, writing path: String) -> any Error {
        let full: Bool
        if case BuildError.compilerFailed = error { full = DiskSpace.isNearlyFull(path) } else { full = DiskSpace.isFull("\(error)") }
        return full ? BuildError.diskFull(path: path, mount: DiskSpace.mountPoint(of: path)) : error
    }

    /// The status `swift-lambda` exits with: the compiler's own when it failed.
    public var exitStatus: Int32 {
        if case .compilerFailed(let failure) = self { return failure.exitStatus }
        return 1
    }
}

extension BuildError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notAPackage(let path):
            return "'\(path)' is not a Swift package (no Package.swift); run swift-lambda in a package directory or pass --package-path"
        case .manifestFailed(let path, let diagnostics):
            // SwiftPM's own diagnostics follow, indented, so the first line stays the one error line.
            let detail = diagnostics.trimmingWhitespace.split(separator: "\n").map { "  \($0)" }
            return "SwiftPM could not load the manifest of '\(path)'; fix Package.swift (SwiftPM says below)"
                + (detail.isEmpty ? "" : "\n" + detail.joined(separator: "\n"))
        case .describeUnreadable(let path, let reason):
            return "could not read SwiftPM's description of '\(path)' (\(reason)); check that 'swift package describe --type json' works there"
        case .compilerFailed(let failure):
            if case .failed(let invocation, _, _, _) = failure {
                return "the build failed ('\(invocation.commandLine)' \(failure.exitStatus > 128 ? "was killed" : "exited with status \(failure.exitStatus)")); fix the errors above and build again; no artifact was replaced"
            }
            return "\(failure); no artifact was replaced"
        case .lambdaDirectoryUnusable(let failure):
            return "cannot write artifacts: \(failure)"
        case .wrongArchitecture(let product, let found, let target):
            return "'\(product)' was built for \(found), not \(target); it would fail on Lambda with 'exec format error'. Check the compiler's target (--compiler, --swift-sdk); no artifact was written"
        case .checksFailed(let products, let runtime):
            return "\(products.joined(separator: ", ")) would not start on \(runtime) (see above) and \(products.count == 1 ? "was" : "were") not written; choose a way out above or pass --skip-checks"
        case .bundleLibsUnsupported(let compiler):
            return "--bundle-libs takes libraries from this host, but --compiler \(compiler) links against another system's; use --compiler swiftpm or swift-sdk, or ship the image's libraries with --include lib:DIR"
        case .imageUnsupported(let compiler):
            return "--output-format image puts the libraries the bootstrap links into the image, and --compiler \(compiler) links against the container's, which are not on this host; build images with --compiler swiftpm (this host's libraries) or --swift-sdk (the SDK's sysroot)"
        case .imageNotPlanned(let product):
            return "internal error: \(product) has no planned image; report this with the command that ran"
        case .caBundleMissing(let path):
            return "no CA bundle at \(path) to put in the image (TLS from the function needs one); install ca-certificates, or pass --no-ca-certificates"
        case .imageFlagsWithoutImage(let flags):
            return "\(flags.joined(separator: ", ")) \(flags.count == 1 ? "applies" : "apply") to images only; add --output-format image, or drop \(flags.count == 1 ? "it" : "them")"
        case .diskFull(let path, let mount):
            return "the disk is full writing \(path); free space on \(mount) and run again"
        case .notALambdaBinary(let product, let path, let reason):
            return "the binary of '\(product)' at \(path) is not a Lambda executable (\(reason)); check the compiler's output; no artifact was written"
        }
    }
}
