#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds executables the way a shell does, against an injected environment,
/// so "swift is not installed" is reported before anything is run.
public struct ExecutableLookup: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public var searchPath: String { environment["PATH"] ?? "" }

    /// `name` itself when it contains a slash, else the first executable
    /// `PATH` entry holding it.
    public func resolve(_ name: String) throws -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw ProcessError.executableNotFound(name: name, searchPath: searchPath)
            }
            return name
        }
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw ProcessError.executableNotFound(name: name, searchPath: searchPath)
    }
}
