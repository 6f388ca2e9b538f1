import BuildPlanner
public import ELFKit

/// What the plan needs to know about one of the libraries it rebinds
/// against: the versioned functions and objects it defines.
public struct LibrarySymbols: Sendable, Equatable {
    public var soname: String
    public var path: String
    /// The version names the library defines (`.gnu.version_d`).
    public var definedVersions: [String]
    /// Its defined dynamic symbols with their versions.
    public var symbols: [DynamicSymbol]

    public init(soname: String, path: String, definedVersions: [String], symbols: [DynamicSymbol]) {
        self.soname = soname
        self.path = path
        self.definedVersions = definedVersions
        self.symbols = symbols.filter(\.isDefined)
    }

    public init(soname: String, path: String, file: ELFFile) {
        self.init(soname: soname, path: path, definedVersions: file.versionDefinitions, symbols: file.dynamicSymbols)
    }
}

/// The libraries a Swift executable built for Lambda links dynamically and
/// whose symbol versions the runtime caps: glibc's (libc, libm, and the
/// libpthread and libdl that glibc 2.34 emptied into libc), libstdc++ and
/// libgcc_s.
public enum CompatLibraries {
    public static let sonames = [
        "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "libstdc++.so.6", "libgcc_s.so.1",
    ]
    public static let libstdcxx = "libstdc++.so.6"

    /// The path of each library the locator finds, in `sonames` order. A
    /// missing libc or libm is an error (nothing could be linked); a missing
    /// libstdc++ or libgcc_s is skipped (a C-only sysroot).
    public static func locate(with locator: LibraryLocator) throws -> [(soname: String, path: String)] {
        try locator.locate(sonames).compactMap { soname, path in
            guard let path else {
                if soname == "libc.so.6" || soname == "libm.so.6" {
                    throw CompatError.libraryNotFound(
                        soname: soname, architecture: locator.architecture.rawValue,
                        searched: locator.defaultDirectories)
                }
                return nil
            }
            return (soname, path)
        }
    }

    /// Reads each located library's symbols.
    public static func read(_ located: [(soname: String, path: String)]) throws -> [LibrarySymbols] {
        try located.map { soname, path in
            let file: ELFFile
            do {
                file = try ELFFile(contentsOf: path)
            } catch {
                throw CompatError.libraryUnreadable(path: path, reason: "\(error)")
            }
            return LibrarySymbols(soname: soname, path: path, file: file)
        }
    }

    /// Reads each library the locator finds (see `locate(with:)`).
    public static func read(with locator: LibraryLocator) throws -> [LibrarySymbols] {
        try read(locate(with: locator))
    }
}
