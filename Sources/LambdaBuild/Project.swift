public import LambdaConfig
import LambdaSupport
import Compilers

/// The package or workspace a command other than `build` works on, located as `build`
/// locates it: the configuration with every layer (a member's own file included), the lambda
/// directory build writes to, and which member each product belongs to. `deploy` and `list`
/// read it; `build` uses the same `Workspace` underneath.
public struct Project: Sendable {
    public var root: String
    public var members: [String]
    public var isWorkspace: Bool
    public var configuration: Configuration
    /// Product name to its member's root; empty for a single package (it has no member files).
    public var memberOf: [String: String]
    /// Where `build` writes the artifacts: `lambda-dir` (flag, file, variable), else `target/lambda` under the root.
    public var lambdaDirectory: String

    /// `flags` are the command's own, as a layer. In a workspace each member is described
    /// (cached as build caches it) to know whose file applies to which product.
    public static func locate(
        packagePath: String?, configPath: String?, workspace: Bool, flags: Layer, context: BuildContext
    ) async throws -> Project {
        let input = BuildInput(packagePath: packagePath, configPath: configPath, workspace: workspace, flags: flags)
        let located = try Workspace.locate(input: input, context: context)
        var memberOf: [String: String] = [:]
        if located.isWorkspace {
            let toolchain = try Toolchain.locate(environment: context.environment)
            let workflow = BuildWorkflow(input: input, context: context)
            for member in located.members {
                for product in try await workflow.describe(member, toolchain: toolchain).executableProducts {
                    memberOf[product.name] = member
                }
            }
        }
        let lambdaDirectory = located.configuration.value(of: .lambdaDir)?.value.string
            .map { FileSystem.absolute($0, relativeTo: context.currentDirectory) } ?? "\(located.root)/target/lambda"
        return Project(
            root: located.root, members: located.members, isWorkspace: located.isWorkspace, configuration: located.configuration,
            memberOf: memberOf, lambdaDirectory: lambdaDirectory)
    }

    /// A directory that is not a package (a CI job deploying artifacts it downloaded): its
    /// `swift-lambda.toml`, if any, and the flags; no members.
    public static func standalone(
        directory: String?, configPath: String?, flags: Layer, context: BuildContext
    ) throws -> Project {
        let root = FileSystem.absolute(directory ?? ".", relativeTo: context.currentDirectory)
        let configuration = try Configuration.load(
            root: root, configPath: configPath, environment: context.environment, currentDirectory: context.currentDirectory,
            flags: flags)
        let lambdaDirectory = configuration.value(of: .lambdaDir)?.value.string
            .map { FileSystem.absolute($0, relativeTo: context.currentDirectory) } ?? "\(root)/target/lambda"
        return Project(
            root: root, members: [], isWorkspace: false, configuration: configuration, memberOf: [:], lambdaDirectory: lambdaDirectory)
    }

    /// The configuration as it applies to `product` (its member's file layered in).
    public func configuration(for product: String) -> Configuration {
        memberOf[product].map(configuration.scoped(toMember:)) ?? configuration
    }
}
