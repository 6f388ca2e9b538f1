import LambdaSupport

/// Why `new` or `init` stopped, in the words the user sees: what is wrong, then what to do.
public enum ProjectError: Error, Sendable, Equatable {
    case notAPackage(path: String)
    case manifestFailed(path: String, diagnostics: String)
    case manifestUnreadable(path: String, reason: String)
    case defaultNameUnusable(directory: String, reason: NameError)
    case productExists(name: String)
    case targetExists(name: String)
    case fileExists(path: String)
    case notADirectory(path: String)
    case directoryNotEmpty(path: String)
    case configurationConflict(path: String, product: String)
    case editNotLoaded(diagnostics: String)
    case writeFailed(path: String, reason: String)
}

extension ProjectError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notAPackage(let path):
            return
                "'\(path)' is not a Swift package (no Package.swift); run swift-lambda init in a package, or start one with swift-lambda new NAME"
        case .manifestFailed(let path, let diagnostics):
            let detail = diagnostics.trimmingWhitespace.split(separator: "\n").map { "  \($0)" }
            return "SwiftPM could not load the manifest of '\(path)'; fix Package.swift first (SwiftPM says below)"
                + (detail.isEmpty ? "" : "\n" + detail.joined(separator: "\n"))
        case .manifestUnreadable(let path, let reason):
            return
                "could not read SwiftPM's description of '\(path)' (\(reason)); check that 'swift package dump-package' works there"
        case .defaultNameUnusable(let directory, let reason):
            return
                "the package directory's name cannot name the new product (\(reason)); pass --name NAME (it was '\(directory)')"
        case .productExists(let name):
            return "the package already has a product named '\(name)'; pass another --name"
        case .targetExists(let name):
            return "the package already has a target named '\(name)'; pass another --name"
        case .fileExists(let path):
            return
                "'\(path)' already exists and swift-lambda init never overwrites; pass another --name or move it away"
        case .notADirectory(let path):
            return "'\(path)' exists and is not a directory; choose another NAME or --path"
        case .directoryNotEmpty(let path):
            return
                "'\(path)' exists and is not empty; choose another NAME or --path, or pass --force to write the template's files into it (replacing files of the same names)"
        case .configurationConflict(let path, let product):
            return "'\(path)' already has a [functions.\(product)] table; remove it or pass another --name"
        case .editNotLoaded(let diagnostics):
            let detail = diagnostics.trimmingWhitespace.split(separator: "\n").map { "  \($0)" }
            return
                "the edited Package.swift did not load as expected, so it was restored and nothing was added; add the product and targets by hand (SwiftPM says below)"
                + (detail.isEmpty ? "" : "\n" + detail.joined(separator: "\n"))
        case .writeFailed(let path, let reason):
            return "could not write '\(path)' (\(reason)); check the directory's permissions"
        }
    }
}
