public import BuildPlanner
import Compilers
import Foundation
import LambdaConfig
import LambdaSupport

/// One target whose files go into a function: its name, the package it belongs to and its
/// source directory (sources and resources), absolute.
public struct ListedTarget: Sendable, Equatable {
    public var name: String
    public var package: String
    public var path: String

    public init(name: String, package: String, path: String) {
        self.name = name
        self.package = package
        self.path = path
    }
}

/// A function or extension as `build` would write it, and every input it is built from: what
/// `swift-lambda list` prints and `--affected-since` decides on.
public struct ListedFunction: Sendable, Equatable {
    public var name: String
    public var kind: ArtifactKind
    /// The member package's root.
    public var package: String
    /// Its target closure, through `.package(path:)` dependencies too.
    public var targets: [ListedTarget]
    /// Where `build` writes it: the zip when it writes one, else the executable.
    public var artifact: String
    /// Files whose change affects it besides the targets' directories: the manifests and
    /// `Package.resolved` of its member and of the local packages it uses, the configuration
    /// files that apply to it.
    public var files: [String]
    /// `--include`d paths (files or directories), absolute.
    public var includes: [String]

    public init(
        name: String, kind: ArtifactKind, package: String, targets: [ListedTarget], artifact: String, files: [String] = [],
        includes: [String] = []
    ) {
        self.name = name
        self.kind = kind
        self.package = package
        self.targets = targets
        self.artifact = artifact
        self.files = files
        self.includes = includes
    }

    /// Whether a change to `path` (absolute) changes what is built for this function.
    public func isAffected(by path: String) -> Bool {
        func within(_ directory: String) -> Bool { path == directory || path.hasPrefix(directory + "/") }
        if files.contains(path) { return true }
        if targets.contains(where: { within($0.path) }) || includes.contains(where: within) { return true }
        // A manifest of the member, or of a local package it uses, in any of SwiftPM's spellings.
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        let directory = String(path.dropLast(name.count + 1))
        let packages = [package] + targets.map(\.package)
        return packages.contains(directory) && (name.hasPrefix("Package@swift-") && name.hasSuffix(".swift"))
    }
}

extension BuildWorkflow {
    /// `swift-lambda list`: every function and extension of the package or workspace as `build`
    /// resolves them (names, kinds, target closures, artifact paths), narrowed with
    /// `--affected-since` to those whose inputs changed.
    public func list() async throws -> [ListedFunction] {
        let (workspace, settings, toolchain, target) = try resolve()
        var packages: [PackageDescription] = []
        for member in workspace.members { packages.append(try await describe(member, toolchain: toolchain)) }
        let selection = try Selection(
            packages: packages, roots: workspace.members, products: settings.products, flatten: settings.flatten,
            configuration: workspace.configuration)
        let lambdaDirectory = self.lambdaDirectory(settings, workspace)
        let members = try planMembers(
            workspace, packages: packages, selection: selection, lambdaDirectory: lambdaDirectory, target: target, warns: false)
        let listing = try await listing(of: members, workspace: workspace, toolchain: toolchain).sorted { $0.name < $1.name }
        guard let revision = input.affectedSince else { return listing }
        let affected = try await AffectedFunctions.names(since: revision, listing: listing, workspace: workspace, context: context)
        return listing.filter { affected.contains($0.name) }
    }

    /// The planned members' artifacts with their inputs. Local packages are described (cached
    /// as every describe is) to follow a product dependency into their targets.
    func listing(of members: [Member], workspace: Workspace, toolchain: Toolchain) async throws -> [ListedFunction] {
        var described: [String: PackageDescription] = [:]
        for member in members { described[member.package.path] = member.package }
        func package(at root: String) async throws -> PackageDescription {
            if let known = described[root] { return known }
            let package = try await describe(root, toolchain: toolchain)
            described[root] = package
            return package
        }
        var result: [ListedFunction] = []
        for member in members {
            let plan = try Planner.plan(package: member.package, options: member.options, binPath: "")
            let memberFile = workspace.configuration.members[member.package.path]?.path
            let configurationFiles = [workspace.configuration.file?.path, memberFile].compactMap { $0 }
            for artifact in plan.artifacts {
                var targets = artifact.targets.compactMap { name in
                    member.package.target(named: name).map { Self.listed($0, in: member.package) }
                }
                // Product dependencies, followed into the local packages that define them.
                var pending = artifact.targets.compactMap(member.package.target(named:)).map { (member.package, $0) }
                var seen = Set(targets.map { "\($0.package)/\($0.name)" })
                while let (owner, next) = pending.popLast() {
                    for product in next.productDependencies {
                        for root in owner.localDependencies {
                            let local = try await package(at: root)
                            guard let found = local.products.first(where: { $0.name == product }) else { continue }
                            for target in local.targetClosure(of: found) where seen.insert("\(local.path)/\(target.name)").inserted {
                                targets.append(Self.listed(target, in: local))
                                pending.append((local, target))
                            }
                        }
                    }
                }
                let packages = Set([member.package.path] + targets.map(\.package)).sorted()
                let manifests = packages.flatMap { ["\($0)/Package.swift", "\($0)/Package.resolved"] }
                result.append(ListedFunction(
                    name: artifact.product, kind: artifact.kind, package: member.package.path, targets: targets,
                    artifact: artifact.zip?.path ?? artifact.executable, files: manifests + configurationFiles,
                    includes: artifact.includes.map { FileSystem.absolute($0.source, relativeTo: context.currentDirectory) }))
            }
        }
        return result
    }

    private static func listed(_ target: PackageDescription.Target, in package: PackageDescription) -> ListedTarget {
        ListedTarget(name: target.name, package: package.path, path: FileSystem.absolute(target.path, relativeTo: package.path))
    }
}

/// `--affected-since REV`: the files git says changed since REV (the working tree's
/// uncommitted and untracked files too), and the functions they affect.
public enum AffectedFunctions {
    /// The names of the functions of `listing` that a change since `revision` affects, sorted.
    static func names(since revision: String, listing: [ListedFunction], workspace: Workspace, context: BuildContext) async throws -> [String] {
        let changed = try await GitChanges.since(revision, in: workspace.root, runner: context.runner)
        return affected(listing, by: changed)
    }

    /// Pure: which functions any of `changed` (absolute paths) affects.
    public static func affected(_ listing: [ListedFunction], by changed: [String]) -> [String] {
        listing.filter { function in changed.contains(where: function.isAffected(by:)) }.map(\.name).sorted()
    }
}

/// Why `--affected-since` cannot say what changed.
public enum AffectedError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAGitRepository(path: String)
    case unknownRevision(String, path: String)
    case gitFailed(command: String, message: String)

    public var description: String {
        switch self {
        case .notAGitRepository(let path):
            "--affected-since needs a git repository, and \(path) is not in one; run it in a clone, or drop --affected-since to take every function"
        case .unknownRevision(let revision, let path):
            "git does not know the revision '\(revision)' in \(path); give a commit, branch or tag it has (fetch it first in a shallow clone, e.g. git fetch --depth=2)"
        case .gitFailed(let command, let message):
            "\(command) failed: \(message)"
        }
    }
}

enum GitChanges {
    /// Absolute paths of the files that differ between `revision` and the working tree, and of
    /// the untracked files git does not ignore.
    ///
    /// The four questions are asked at once (each is mostly a process start, so in sequence they
    /// were a quarter of what an affected build adds to its `swift build`), and their failures are
    /// read in the order the questions depend on each other: not a repository, then an unknown
    /// revision, then a failing diff.
    static func since(_ revision: String, in directory: String, runner: any ProcessRunning) async throws -> [String] {
        @Sendable func git(_ arguments: [String]) async -> Result<String, any Error> {
            do {
                return .success(try await runner.capture(
                    Invocation(executable: "git", arguments: ["-C", directory] + arguments)).standardOutputText)
            } catch {
                return .failure(error)
            }
        }
        async let prefixQuery = git(["rev-parse", "--show-prefix"])
        async let revisionQuery = git(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"])
        async let changedQuery = git(["diff", "--name-only", "-z", "--no-renames", revision, "--"])
        async let untrackedQuery = git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name", ":/"])
        let (prefixResult, revisionResult, changedResult, untrackedResult) =
            await (prefixQuery, revisionQuery, changedQuery, untrackedQuery)
        // The top as the package's paths spell it (git prints it with symbolic links resolved).
        guard case .success(let prefix) = prefixResult else { throw AffectedError.notAGitRepository(path: directory) }
        let depth = prefix.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").count
        let top = FileSystem.absolute(Array(repeating: "..", count: depth).joined(separator: "/"), relativeTo: directory)
        guard case .success = revisionResult else { throw AffectedError.unknownRevision(revision, path: top) }
        do {
            let changed = try changedResult.get()
            let untracked = try untrackedResult.get()
            return (changed + untracked).split(separator: "\0").map { "\(top)/\($0)" }
        } catch let failure as ProcessError {
            throw AffectedError.gitFailed(command: "git diff \(revision)", message: "\(failure)")
        }
    }
}

/// How `list` prints: a line (and its targets) per function for people, one JSON object per
/// line for machines (`jq -s -c 'map(.name)'` makes a CI matrix). Paths are shown relative to
/// the current directory when below it, so two checkouts print the same list.
public struct ListRenderer: Sendable {
    public var context: BuildContext

    public init(context: BuildContext) {
        self.context = context
    }

    struct Entry: Encodable {
        var name: String
        var kind: String
        var package: String
        var targets: [Target]
        var artifact: String

        struct Target: Encodable {
            var name: String
            var path: String
        }
    }

    public func json(_ listing: [ListedFunction]) -> [String] {
        listing.map { function in
            JSONMessages.encode(Entry(
                name: function.name, kind: kindName(function.kind), package: context.displayPath(function.package),
                targets: function.targets.map { Entry.Target(name: $0.name, path: context.displayPath($0.path)) },
                artifact: context.displayPath(function.artifact)))
        }
    }

    public func human(_ listing: [ListedFunction]) -> [String] {
        let width = listing.map(\.name.count).max() ?? 0
        let kindWidth = listing.map { kindName($0.kind).count }.max() ?? 0
        return listing.flatMap { function in
            let name = function.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let kind = kindName(function.kind).padding(toLength: kindWidth, withPad: " ", startingAt: 0)
            let targets = function.targets.map { "\($0.name) (\(context.displayPath($0.path)))" }.joined(separator: ", ")
            return [
                "\(name)  \(kind)  \(context.displayPath(function.package))  -> \(context.displayPath(function.artifact))",
                String(repeating: " ", count: width + 2) + "targets: \(targets)",
            ]
        }
    }
}
