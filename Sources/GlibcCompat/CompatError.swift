/// Why glibc compatibility could not be set up, in the words the user sees.
public enum CompatError: Error, Sendable, Equatable {
    case libraryNotFound(soname: String, architecture: String, searched: [String])
    case libraryUnreadable(path: String, reason: String)
    case clangNotFound(swift: String)
    case shimCompileFailed(command: String, diagnostics: String)
    case cacheUnwritable(path: String, reason: String)
    case notApplicable(reason: String)
    case swiftSDKSysrootNotFound(sdk: String, triple: String, searched: String)
}

extension CompatError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .libraryNotFound(let soname, let architecture, let searched):
            return
                "glibc-compat cannot find \(soname) for \(architecture) (searched the loader cache and \(searched.joined(separator: ", "))); install the target's C library or pass --no-glibc-compat"
        case .libraryUnreadable(let path, let reason):
            return "glibc-compat cannot read \(path) (\(reason)); check the file or pass --no-glibc-compat"
        case .clangNotFound(let swift):
            return
                "glibc-compat needs the toolchain's clang, which is neither beside \(swift) nor on PATH; use a complete Swift toolchain or pass --no-glibc-compat"
        case .shimCompileFailed(let command, let diagnostics):
            let said = diagnostics.split(separator: "\n").first.map { " (\($0))" } ?? ""
            return "compiling the glibc-compat shim failed\(said): \(command); report this, or pass --no-glibc-compat"
        case .cacheUnwritable(let path, let reason):
            return
                "cannot write the glibc-compat cache at \(path) (\(reason)); make the package's .build directory writable"
        case .notApplicable(let reason):
            return "--glibc-compat does not apply here: \(reason); drop --glibc-compat"
        case .swiftSDKSysrootNotFound(let sdk, let triple, let searched):
            return
                "glibc-compat cannot find the sysroot of Swift SDK '\(sdk)' for \(triple) (searched \(searched)); pass --no-glibc-compat or --swift-sdks-path"
        }
    }
}
