public import BuildPlanner
import ELFKit
import LambdaChecks

/// Finds a shared library by soname the way glibc's dynamic loader would on
/// a system rooted at `root` (the host's `/`, or a Swift SDK's sysroot):
/// the entries of `<root>/etc/ld.so.cache` first, then the default
/// directories, keeping only files built for the target's architecture (a
/// multiarch host may hold several). These are the files the linker reads
/// too: on Debian both resolve `-lm` and `libm.so.6` to
/// `/lib/<multiarch>/libm.so.6`.
public struct LibraryLocator: Sendable {
    public var root: String
    public var architecture: Architecture

    public init(root: String = "/", architecture: Architecture) {
        self.root = root
        self.architecture = architecture
    }

    /// The loader's trusted directories for the architecture: Debian's
    /// multiarch ones, the lib64 ones of Fedora and Amazon Linux, and plain
    /// lib (where Debian's cross packages, `/usr/<triple>/lib`, keep theirs).
    public var defaultDirectories: [String] {
        LibrarySearch.defaultDirectories(for: architecture, root: root)
    }

    /// The path of `soname`, or nil when no file for the architecture has it.
    public func locate(_ soname: String) -> String? {
        locate(soname, cache: LoaderCache.load(inRoot("etc/ld.so.cache")))
    }

    /// The path of each soname (nil where none is found), reading the
    /// loader cache once for all of them.
    public func locate(_ sonames: [String]) -> [(soname: String, path: String?)] {
        let cache = LoaderCache.load(inRoot("etc/ld.so.cache"))
        return sonames.map { ($0, locate($0, cache: cache)) }
    }

    private func locate(_ soname: String, cache: LoaderCache?) -> String? {
        var candidates: [String] = []
        if let cache {
            candidates += cache.paths(for: soname).map { inRoot(String($0.drop { $0 == "/" })) }
        }
        candidates += defaultDirectories.map { "\($0)/\(soname)" }
        let machine = ELFMachine(architecture)
        return candidates.first { path in
            (try? ELFHeader(contentsOf: path))?.machine == machine
        }
    }

    private func inRoot(_ relative: String) -> String {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return "\(base)/\(relative)"
    }
}
