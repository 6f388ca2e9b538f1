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
        let located = try locateOrDirectory(input: input, context: context)
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

    /// The package or workspace; outside one, when the lambda directory is named (`--lambda-dir`,
    /// `SWIFT_LAMBDA_LAMBDA_DIR`, a `--config` file), the current directory as a project of no
    /// members: the artifacts are deployable wherever they are, as `invoke` runs them.
    static func locateOrDirectory(input: BuildInput, context: BuildContext) throws -> Workspace {
        do {
            return try Workspace.locate(input: input, context: context)
        } catch BuildError.notAPackage(let path) where !input.workspace {
            let configuration = try Configuration.load(
                root: path, configPath: input.configPath, environment: context.environment,
                currentDirectory: context.currentDirectory, flags: input.flags)
            guard configuration.value(of: .lambdaDir) != nil else { throw BuildError.notAPackage(path: path) }
            return Workspace(root: path, members: [], isWorkspace: false, configuration: configuration)
        }
    }

    /// The configuration as it applies to `product` (its member's file layered in).
    public func configuration(for product: String) -> Configuration {
        memberOf[product].map(configuration.scoped(toMember:)) ?? configuration
    }
}
