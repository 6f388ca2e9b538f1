import ArgumentParser
import Foundation
import LambdaDeploy
import LambdaSupport

struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete deployed functions, with their aliases and function URLs.",
        discussion: """
            Every name is looked up before anything is deleted. Afterwards the swift-lambda-execution \
            role that deploy creates is deleted too when no function uses it any more, unless --keep-role. \
            Layers (extensions) are left alone. Region, profile and endpoint come from the flags, the \
            [deploy] table of the package's swift-lambda.toml, or the AWS variables and files.
            """
    )

    @Argument(help: ArgumentHelp("The functions to delete.", valueName: "name"))
    var names: [String]

    @Flag(help: "Keep the swift-lambda-execution role even when no function uses it (default: off).")
    var keepRole = false

    @Flag(help: "Look the functions up and say what would be deleted, deleting nothing (default: off).")
    var dryRun = false

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The package whose swift-lambda.toml [deploy] table applies (default: the current directory).", valueName: "dir"))
    var packagePath: String?

    @Flag(name: .shortAndLong, help: "Print every AWS call (no secrets) (default: off).")
    var verbose = false

    @OptionGroup var colour: ColourOptions

    func validate() throws {
        if names.isEmpty { throw ValidationError("name the functions to delete") }
        if Set(names).count != names.count { throw ValidationError("a function is named twice; name each once") }
    }

    func run() async throws {
        try await Failure.report(colour: colour.mode) {
            let context = DeployContext.live(colour: colour.mode)
            let console = context.build.console
            let client = try await DeployConnection.client(packagePath: packagePath, flags: connection.layer, context: context, trace: context.tracer(verbose: verbose))
            let result = try await DeleteWorkflow(client: client, keepRole: keepRole, dryRun: dryRun).run(names: names)
            for name in result.deleted { console.result(dryRun ? "would delete \(name)" : "deleted \(name)") }
            if let role = result.removedRole { console.result("deleted role \(role) (no function uses it)") }
            if let kept = result.roleKept, !dryRun { console.progress("kept role swift-lambda-execution (\(kept))") }
        }
    }
}
