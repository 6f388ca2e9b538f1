import BuildPlanner
public import LambdaSupport

/// The host toolchain's `swift build`.
public struct SwiftPMBackend: CompilerBackend {
    public let name = "swiftpm"
    public var toolchain: Toolchain

    public init(toolchain: Toolchain) {
        self.toolchain = toolchain
    }

    /// Arguments shared by the build and the bin-path query, so both name
    /// the same build directory.
    func commonArguments(for request: BuildRequest) -> [String] {
        var arguments = ["build", "--package-path", request.packagePath, "-c", request.configuration.rawValue]
        if request.configuration == .release {
            // Lambda has no Swift runtime: link it into the binary.
            arguments.append("--static-swift-stdlib")
        }
        return arguments
    }

    public func buildInvocation(for request: BuildRequest) -> Invocation {
        var arguments = commonArguments(for: request)
        if let product = request.product { arguments += ["--product", product] }
        return Invocation(executable: toolchain.swift, arguments: arguments)
    }

    public func binPathInvocation(for request: BuildRequest) -> Invocation {
        Invocation(executable: toolchain.swift, arguments: commonArguments(for: request) + ["--show-bin-path"])
    }

    public func hostBinPath(fromOutput output: String) throws -> String {
        // SwiftPM may print notes first; the path is the last line.
        let lines = output.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace }
        guard let path = lines.last(where: { $0.hasPrefix("/") }) else {
            throw CompilerError.unexpectedBinPath(output: output.trimmingWhitespace)
        }
        return path
    }
}
