import Foundation
public import LambdaChecks
import LambdaSupport

/// Plans kept on disk, so a build that changes nothing does not read and
/// parse the C libraries again: `<directory>/plan-<sha256>.json`, where the
/// hash covers what the plan is a function of: the sysroot, the
/// architecture, the runtime's ceilings, how libstdc++ is linked, and each
/// library's path and stamp (size, modification time, inode), so a library
/// upgraded in place misses the cache.
public struct CompatPlanCache: Sendable {
    public var directory: String
    /// Raised whenever the plan's computation or its encoding changes.
    static let format = "compat-plan 1"

    public init(directory: String) {
        self.directory = directory
    }

    /// The plan for the libraries `locator` finds: from the cache when
    /// their stamps match, else read and computed, and stored unless
    /// `store` is false (a dry run writes nothing).
    public func plan(
        locator: LibraryLocator, profile: RuntimeProfile, libstdcxx: LibstdcxxLinkage = .shared, store: Bool = true
    ) throws -> CompatPlan {
        let located = try CompatLibraries.locate(with: locator)
        let path = "\(directory)/plan-\(key(located, locator: locator, profile: profile, libstdcxx: libstdcxx)).json"
        if let data = FileManager.default.contents(atPath: path),
            let plan = try? JSONDecoder().decode(CompatPlan.self, from: data)
        {
            return plan
        }
        let plan = CompatPlan.compute(try CompatLibraries.read(located), profile: profile, libstdcxx: libstdcxx)
        if store {
            do {
                try FileSystem.writeAtomically(Array(try JSONEncoder().encode(plan)), to: path)
            } catch {
                throw CompatError.cacheUnwritable(path: path, reason: "\(error)")
            }
        }
        return plan
    }

    func key(
        _ located: [(soname: String, path: String)], locator: LibraryLocator, profile: RuntimeProfile,
        libstdcxx: LibstdcxxLinkage
    ) -> String {
        var lines = [
            Self.format, locator.root, locator.architecture.rawValue, profile.name, profile.glibc, profile.glibcxx,
            profile.cxxabi, profile.gcc, libstdcxx.rawValue,
        ]
        for (soname, path) in located {
            lines.append("\(soname) \(path) \(FileSystem.stamp(of: path, followingSymlinks: true) ?? "-")")
        }
        return ContentKey.sha256(lines)
    }
}
