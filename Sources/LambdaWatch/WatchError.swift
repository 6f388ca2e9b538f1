/// What stops `watch` before it serves, each one line that says what to do.
public enum WatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The package (or workspace) has no function to serve.
    case nothingToServe(package: String)
    /// `--product` or `--extension` named something the build did not write.
    case unknown(kind: String, name: String, known: [String])
    /// `--address` or `--port` cannot be listened on.
    case cannotListen(address: String, port: Int, reason: String)
    /// The first build failed: there is no last good build to serve.
    case firstBuildFailed(String)

    public var description: String {
        switch self {
        case .nothingToServe(let package):
            "\(package) has no function to serve; add an executable product, or pass --package-path to the package that has them"
        case .unknown(let kind, let name, let known):
            "no \(kind) named '\(name)'; \(known.isEmpty ? "the build wrote none" : "there are: \(known.joined(separator: ", "))")"
        case .cannotListen(let address, let port, let reason):
            "cannot listen on \(address):\(port): \(reason); pick another --port (0 takes a free one) or --address"
        case .firstBuildFailed(let reason):
            "the first build failed, so there is nothing to serve: \(reason); fix it and run watch again"
        }
    }
}
