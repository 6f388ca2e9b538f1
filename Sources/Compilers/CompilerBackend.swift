public import BuildPlanner
public import LambdaSupport

/// One compiler run, as the build workflow asks for it.
public struct BuildRequest: Sendable, Equatable {
    /// Absolute path of the package root on the host.
    public var packagePath: String
    /// The fixed path the root is compiled as (`CheckoutPaths`), so no byte depends on where
    /// the package is checked out: `/swift-lambda/<manifest name>`.
    public var mappedRoot: String
    /// The roots of the packages it uses by path (`.package(path:)`), on the host: outside the
    /// package they are compiled as fixed paths too, or a function using one differs between
    /// checkouts (a CI shard and a whole build).
    public var localPackages: [String] = []
    public var configuration: BuildConfiguration
    /// The single product to build, or nil for every product.
    public var product: String?
    public var target: LambdaTarget
    /// Release size optimizations (on unless `--disable-optimizations`).
    public var optimizations: Bool
    /// More `swift build` arguments (`-Xswiftc`, `-Xlinker`), the same for the
    /// build and its bin-path query: the user's pass-through flags, then glibc
    /// compatibility's link inputs.
    public var extraArguments: [String]
    /// `swift build` arguments that change how it runs but not what it builds or where
    /// (`--jobs N`, `--quiet`): given to the build, not to the bin-path query, whose cached
    /// answer they would only split.
    public var runArguments: [String]

    /// `packageName` is the manifest's `name:` (the directory's name when nil), which names
    /// the mapped root: a checkout's directory name must not reach the bytes either.
    public init(
        packagePath: String, packageName: String? = nil, configuration: BuildConfiguration, product: String? = nil,
        target: LambdaTarget = LambdaTarget(architecture: .x86_64, libc: .glibc), optimizations: Bool = true,
        extraArguments: [String] = [], runArguments: [String] = []
    ) {
        self.runArguments = runArguments
        self.packagePath = packagePath
        self.mappedRoot = CheckoutPaths.mappedRoot(
            packageName: packageName ?? String(packagePath.split(separator: "/").last ?? ""))
        self.configuration = configuration
        self.product = product
        self.target = target
        self.optimizations = optimizations
        self.extraArguments = extraArguments
    }

    /// The same request for another product (or all with nil).
    public func building(_ product: String?) -> BuildRequest {
        var copy = self
        copy.product = product
        return copy
    }
}

/// A way of compiling a package for a Lambda target. Backends describe
/// commands as `Invocation` values; the workflow runs them, tests assert on them.
public protocol CompilerBackend: Sendable {
    /// The name users pick it by (`--compiler NAME`).
    var name: CompilerName { get }
    /// Checks, before anything compiles, that this backend can build the
    /// request's target here; the error says how to get there.
    func preflight(_ request: BuildRequest, runner: any ProcessRunning) async throws
    /// The command that compiles the request.
    func buildInvocation(for request: BuildRequest) -> Invocation
    /// The command that prints the binary directory for the same arguments.
    func binPathInvocation(for request: BuildRequest) -> Invocation
    /// The host path of the binary directory, from what `binPathInvocation` printed.
    func hostBinPath(fromOutput output: String, request: BuildRequest) throws -> String
}

/// The compiler backends, by the names `--compiler` and `SWIFT_LAMBDA_COMPILER` take.
public enum CompilerName: String, Sendable, Equatable, CaseIterable {
    case swiftpm
    case swiftSDK = "swift-sdk"
    case docker

    /// The backend `value` names; `source` (`--compiler`, a file and line, a variable) says
    /// where it was written, for the error.
    public static func parse(_ value: String, source: String) throws(CompilerError) -> CompilerName {
        guard let name = CompilerName(rawValue: value) else { throw .unknownCompiler(value, source: source) }
        return name
    }
}

extension CompilerBackend {
    public func hostBinPath(fromOutput output: String, request: BuildRequest) throws -> String {
        try lastAbsolutePath(in: output)
    }
}

/// SwiftPM may print notes before the path; the path is the last absolute line.
func lastAbsolutePath(in output: String) throws -> String {
    let lines = output.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace }
    guard let path = lines.last(where: { $0.hasPrefix("/") }) else {
        throw CompilerError.unexpectedBinPath(output: output.trimmingWhitespace)
    }
    return path
}
