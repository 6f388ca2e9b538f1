public import BuildPlanner
public import LambdaSupport

/// One compiler run, as the build workflow asks for it.
public struct BuildRequest: Sendable, Equatable {
    /// Absolute path of the package root.
    public var packagePath: String
    public var configuration: BuildConfiguration
    /// The single product to build, or nil for every product.
    public var product: String?

    public init(packagePath: String, configuration: BuildConfiguration, product: String? = nil) {
        self.packagePath = packagePath
        self.configuration = configuration
        self.product = product
    }
}

/// A way of compiling a package. Backends only describe commands; the
/// workflow runs them through a `ProcessRunning`, and tests assert on them.
public protocol CompilerBackend: Sendable {
    /// The name users pick it by (`--compiler NAME`).
    var name: String { get }
    /// The command that compiles the request.
    func buildInvocation(for request: BuildRequest) -> Invocation
    /// The command that prints the binary directory for the same arguments.
    func binPathInvocation(for request: BuildRequest) -> Invocation
    /// The host path of the binary directory, from what `binPathInvocation` printed.
    func hostBinPath(fromOutput output: String) throws -> String
}

/// Why a backend could not do its part.
public enum CompilerError: Error, Sendable, Equatable {
    case unexpectedBinPath(output: String)
}

extension CompilerError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unexpectedBinPath(let output):
            return "SwiftPM did not print a binary directory for --show-bin-path (it printed: \(output.isEmpty ? "nothing" : output)); check that 'swift build --show-bin-path' works in this package"
        }
    }
}
