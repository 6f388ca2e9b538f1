import BuildPlanner
import Foundation
import LambdaConfig
import LambdaSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The packages of a run and the configuration that applies to them: one
/// package, or the members of a workspace (`[workspace] members` globs in
/// `swift-lambda.toml`, or `--workspace` to take every package below the
/// current directory).
struct Workspace {
    /// The package root, or the workspace's directory; artifacts go under its `target/lambda`.
    var root: String
    /// Package roots, in a stable (sorted) order.
    var members: [String]
    var isWorkspace: Bool
    var configuration: Configuration

    static func locate(input: BuildInput, context: BuildContext) throws -> Workspace {
        let root = FileSystem.absolute(input.packagePath ?? ".", relativeTo: context.currentDirectory)
        let configuration = try Configuration.load(
            root: root, configPath: input.configPath, environment: context.environment,
            currentDirectory: context.currentDirectory, flags: input.flags)

        if input.workspace {
            let members = discoverPackages(below: root)
            guard !members.isEmpty else { throw WorkspaceError.noPackages(root: root) }
            return try Workspace(root: root, members: members, isWorkspace: true, configuration: configuration).withMemberFiles()
        }
        if let file = configuration.file, let globs = file.workspaceMembers {
            var members: [String] = []
            for pattern in globs {
                let matches = expand(pattern, relativeTo: file.directory).filter { FileSystem.exists("\($0)/Package.swift") }
                guard !matches.isEmpty else { throw WorkspaceError.memberMatchesNothing(pattern: pattern, file: file.path) }
                members += matches.filter { !members.contains($0) }
            }
            return try Workspace(root: file.directory, members: members.sorted(), isWorkspace: true, configuration: configuration)
                .withMemberFiles()
        }
        guard FileSystem.isDirectory(root), FileSystem.exists("\(root)/Package.swift") else {
            throw BuildError.notAPackage(path: root)
        }
        return Workspace(root: root, members: [root], isWorkspace: false, configuration: configuration)
    }

    /// Each member's own `swift-lambda.toml` layered for its products (a
    /// member at the root has the workspace's file, or the one --config names).
    func withMemberFiles() throws -> Workspace {
        var workspace = self
        try workspace.configuration.addMemberFiles(members.filter { $0 != root })
        return workspace
    }

    /// The configuration for the products of the member at `root`.
    func configuration(forMember root: String) -> Configuration {
        configuration.scoped(toMember: root)
    }

    /// Every directory below `root` holding a Package.swift, not looking into
    /// build folders, `target`, hidden folders, or a package's own subfolders
    /// (a package's fixtures are not members).
    static func discoverPackages(below root: String) -> [String] {
        if FileSystem.exists("\(root)/Package.swift") { return [root] }
        var found: [String] = []
        for name in (try? FileSystem.contentsOfDirectory(root)) ?? []
        where !name.hasPrefix(".") && name != "target" && FileSystem.kind(of: "\(root)/\(name)") == .directory {
            found += discoverPackages(below: "\(root)/\(name)")
        }
        return found.sorted()
    }

    /// A glob (`functions/*`) matched against the file system, with glob(3).
    static func expand(_ pattern: String, relativeTo base: String) -> [String] {
        let absolute = FileSystem.absolute(pattern, relativeTo: base)
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(absolute, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}

/// Which products of which package this run builds, checked across the
/// whole workspace: names are unique, every name asked for exists.
struct Selection {
    /// Every executable product of every member, with its package.
    var all: [(name: String, package: String)]
    var requested: [String]
    var flattened: String?
    var packageCount: Int

    /// `roots` are the members' roots, in the order of `packages`.
    init(packages: [PackageDescription], roots: [String], products: [String], flatten: String?, configuration: Configuration) throws {
        var all: [(name: String, package: String)] = []
        for (package, root) in zip(packages, roots) {
            // A member's own file names its own products.
            if let memberFile = configuration.members[root] {
                let own = package.executableProducts.map(\.name).sorted()
                for product in memberFile.functions.keys.sorted() where !own.contains(product) {
                    throw ConfigError.unknownFunction(
                        path: memberFile.path, product: product, line: memberFile.functionLines[product], available: own)
                }
            }
            for product in package.executableProducts.map(\.name) {
                if let clash = all.first(where: { $0.name == product }) {
                    throw WorkspaceError.duplicateProduct(product, first: clash.package, second: package.path)
                }
                all.append((product, package.path))
            }
        }
        let names = all.map(\.name).sorted()
        if packages.count > 1 {
            for product in products where !names.contains(product) { throw PlanError.unknownProduct(product, available: names) }
            if let flatten, !names.contains(flatten) { throw PlanError.unknownFlatten(flatten, available: names) }
            if let flatten, !products.isEmpty, !products.contains(flatten) {
                throw PlanError.flattenNotSelected(flatten, selected: products.sorted())
            }
        }
        if let file = configuration.file {
            for product in file.functions.keys.sorted() where !names.contains(product) {
                throw ConfigError.unknownFunction(path: file.path, product: product, line: file.functionLines[product], available: names)
            }
        }
        self.all = all
        self.requested = products
        self.flattened = flatten
        self.packageCount = packages.count
    }

    /// The products of `package` this run builds (empty: all of them), or nil
    /// when it builds none. With one package the request goes to the planner
    /// as given, so its errors name that package's products.
    func products(of package: PackageDescription) -> [String]? {
        if requested.isEmpty || packageCount == 1 { return requested }
        let own = package.executableProducts.map(\.name)
        let mine = requested.filter(own.contains)
        return mine.isEmpty ? nil : mine
    }

    func flatten(in package: PackageDescription) -> String? {
        guard let flattened else { return nil }
        if packageCount == 1 { return flattened }
        return all.contains { $0.name == flattened && $0.package == package.path } ? flattened : nil
    }
}

enum WorkspaceError: Error, Sendable, Equatable {
    case noPackages(root: String)
    case memberMatchesNothing(pattern: String, file: String)
    case duplicateProduct(String, first: String, second: String)
}

extension WorkspaceError: CustomStringConvertible {
    var description: String {
        switch self {
        case .noPackages(let root):
            return "--workspace found no Package.swift below \(root); run it from the workspace's root"
        case .memberMatchesNothing(let pattern, let file):
            return "\(file): workspace member '\(pattern)' matches no directory holding a Package.swift; fix the glob or remove it"
        case .duplicateProduct(let product, let first, let second):
            return "two packages have an executable product named '\(product)' (\(first) and \(second)); Lambda artifacts are named after products, so rename one"
        }
    }
}
