import Foundation
import LambdaSupport

/// `--image --container-cli podman|docker`: the image loaded into that engine (`load -i
/// image.tar`, which names it from the archive's reference) and run there on the host's network,
/// so `AWS_LAMBDA_RUNTIME_API` on 127.0.0.1 reaches the emulator. Extensions still run on the
/// host, from the lambda directory.
enum ContainerImage {
    static func load(
        function: String, source: String, cli: String, extensions: [String], lambdaDirectory: String,
        environment: [String: String]
    ) async throws -> PreparedArtifacts {
        guard FileSystem.kind(of: source, followingSymlinks: true) == .file else {
            throw InvokeError.imageMissing(function: function, path: source)
        }
        let executable: String
        do {
            executable = try ExecutableLookup(environment: environment).resolve(cli)
        } catch {
            throw InvokeError.containerLoadFailed(cli: cli, path: source, reason: "\(cli) is not on PATH")
        }
        let output: CapturedOutput
        do {
            output = try await SubprocessRunner(environment: environment).capture(
                Invocation(executable: executable, arguments: ["load", "-i", source]))
        } catch ProcessError.failed(_, _, _, let diagnostics) {
            throw InvokeError.containerLoadFailed(
                cli: cli, path: source, reason: diagnostics.trimmingWhitespace.split(separator: "\n").last.map(String.init) ?? "it failed")
        }
        guard let reference = loadedReference(output.standardOutputText + "\n" + output.standardErrorText) else {
            throw InvokeError.containerLoadFailed(cli: cli, path: source, reason: "it named no loaded image")
        }
        var prepared = PreparedArtifacts(
            function: function, taskRoot: FileSystem.parent(of: source), optRoot: lambdaDirectory,
            extensions: extensions.map { ($0, "\(lambdaDirectory)/extensions/\($0)") })
        prepared.launch = .container(cli: executable, image: reference, environment: environment)
        return prepared
    }

    /// The name `load` printed: `Loaded image: localhost/echo:latest` (podman, docker) or
    /// `Loaded image(s): ...` (older podman).
    static func loadedReference(_ output: String) -> String? {
        for line in output.split(separator: "\n") {
            for prefix in ["Loaded image: ", "Loaded image(s): ", "Loaded image ID: "] where line.hasPrefix(prefix) {
                let name = line.dropFirst(prefix.count).split(separator: ",").first.map { String($0).trimmingWhitespace }
                if let name, !name.isEmpty { return name }
            }
        }
        return nil
    }
}
