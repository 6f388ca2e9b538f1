import Foundation
import LambdaTestSupport
import Testing

/// `deploy --image` against moto and a real registry (Debian's docker-registry): the Examples'
/// images (the image suite's one build, copied) pushed and deployed as PackageType Image, read
/// back with boto3 and the registry's own counters of what was sent.
extension DeployCLITests {
    /// The image build's lambda directory, copied so this test may change it.
    static func imageLambdaDirectory() async throws -> (lambda: String, built: SharedImageBuild.Built) {
        let built = try await SharedImageBuild.shared.built()
        try #require(built.result.status == 0, "the image build failed:\n\(built.result.standardError)")
        let copy = "\(try Harness.temporaryDirectory(prefix: "deploy-images"))/lambda"
        try FileManager.default.copyItem(atPath: built.lambdaDirectory, toPath: copy)
        return (copy, built)
    }

    @Test func anImageIsPushedAndDeployedThenUnchangedThenItsCodeUpdatedAlone() async throws {
        let (lambda, built) = try await Self.imageLambdaDirectory()
        let digest = try #require(try built.image("echo")["digest"] as? String)
        try await RegistryServer.with { registry in
            try await MotoServer.exclusive { server in
                let scene = try DeployScene(server)
                let push = ["--push", "\(registry.address)/team"]
                let deploy = ["deploy", "echo", "--image", "--lambda-dir", lambda, "--message-format", "json"] + push

                let first = try await scene.succeed(deploy, in: lambda)
                #expect(first.standardError.contains("Pushing echo to \(registry.address)/team/echo:latest"), "\(first.standardError)")
                #expect(first.standardError.contains("(3 of 3 blobs uploaded"), "\(first.standardError)")
                let uri = "\(registry.address)/team/echo@\(digest)"
                let created = try DeployFacts.deployed("echo", in: try DeployFacts.jsonLines(first.standardOutput))
                #expect(created["action"] as? String == "created", "\(created)")
                #expect(created["image_uri"] as? String == uri, "\(created)")
                #expect(created["code_sha256"] as? String == String(digest.dropFirst("sha256:".count)))
                let answer = try await scene.call("lambda", "get_function", ["FunctionName": "echo"])
                let configuration = try #require(try DeployScene.configuration(answer))
                #expect(configuration["PackageType"] as? String == "Image", "\(answer.text)")
                #expect(answer.value(at: "Code", "ImageUri") as? String == uri, "\(answer.text)")
                #expect(configuration["Architectures"] as? [String] == ["x86_64"])
                let absent = { (key: String) in configuration[key] == nil || configuration[key] is NSNull }
                #expect(absent("Runtime") && absent("Handler"), "no runtime or handler: \(answer.text)")
                #expect(configuration["Role"] as? String == Self.roleARN)
                let inspect = try Harness.runProcess(
                    "/usr/bin/env", ["skopeo", "inspect", "--tls-verify=false", "docker://\(registry.address)/team/echo:latest"], in: "/")
                #expect(inspect.standardOutput.contains(#""Digest": "\#(digest)""#), "the registry holds it: \(inspect.standardOutput)")
                let modified = configuration["LastModified"] as? String

                // The same image again: no blob sent, nothing written to the function.
                let again = try await scene.succeed(deploy, in: lambda)
                #expect(again.standardError.contains("(0 of 3 blobs uploaded"), "\(again.standardError)")
                let unchanged = try DeployFacts.deployed("echo", in: try DeployFacts.jsonLines(again.standardOutput))
                #expect(unchanged["action"] as? String == "unchanged", "\(unchanged)")
                #expect(unchanged["uploaded_bytes"] as? Int == 0)
                #expect(again.standardError.contains("echo: unchanged"), "\(again.standardError)")
                #expect(try await scene.configuration("echo")?["LastModified"] as? String == modified, "echo was written to")

                // Other bytes (greeter's image under echo's name): a dry run pushes nothing and
                // says what would change; then the code alone is updated, to the new digest.
                try FileManager.default.removeItem(atPath: "\(lambda)/echo/image.tar")
                try FileManager.default.copyItem(atPath: "\(lambda)/greeter/image.tar", toPath: "\(lambda)/echo/image.tar")
                let other = try #require(try built.image("greeter")["digest"] as? String)
                let short = { (digest: String) in String(digest.prefix("sha256:".count + 12)) }
                let dry = try await scene.succeed(deploy + ["--dry-run"], in: lambda)
                #expect(!dry.standardError.contains("Pushing"), "a dry run pushes nothing: \(dry.standardError)")
                #expect(
                    dry.standardError.contains("echo: would be updated (image \(short(digest)) -> \(short(other)))"), "\(dry.standardError)")
                #expect(try await scene.configuration("echo")?["LastModified"] as? String == modified, "the dry run wrote to echo")

                let changed = try await scene.succeed(deploy, in: lambda)
                let updated = try DeployFacts.deployed("echo", in: try DeployFacts.jsonLines(changed.standardOutput))
                #expect(updated["action"] as? String == "updated", "\(updated)")
                #expect(updated["changes"] as? [String] == ["image \(short(digest)) -> \(short(other))"], "the code alone: \(updated)")
                #expect(updated["uploaded_bytes"] as? Int ?? 0 > 0, "greeter's function layer was sent: \(updated)")
                // The config and the function layer; the system layer is the same for both functions.
                #expect(changed.standardError.contains("(2 of 3 blobs uploaded"), "\(changed.standardError)")
                let after = try await scene.call("lambda", "get_function", ["FunctionName": "echo"])
                #expect(after.value(at: "Code", "ImageUri") as? String == "\(registry.address)/team/echo@\(other)", "\(after.text)")
                #expect(after.value(at: "Configuration", "MemorySize") as? Int == 128)

                // The same from swift-lambda.toml: the function's output-format, [build]'s push;
                // the summary names the image.
                let project = URL(fileURLWithPath: lambda).deletingLastPathComponent().path
                try """
                    [build]
                    push = "\(registry.address)/team"

                    [functions.echo]
                    output-format = "image"
                    """.write(toFile: "\(project)/swift-lambda.toml", atomically: true, encoding: .utf8)
                let configured = try await scene.succeed(["deploy", "echo", "--lambda-dir", lambda], in: project)
                #expect(configured.standardError.contains("echo: unchanged"), "\(configured.standardError)")
                let header = try #require(configured.standardOutput.split(separator: "\n").first)
                #expect(header.contains("CODE SHA256") && header.contains("IMAGE"), "\(configured.standardOutput)")
                #expect(
                    configured.standardOutput.split(separator: "\n").contains {
                        $0.hasPrefix("echo ") && $0.contains(" unchanged ") && $0.contains("\(registry.address)/team/echo@\(other)")
                    }, "\(configured.standardOutput)")
            }
        }
    }

    /// Each refusal is one line, before any call: no --push, --layer or --runtime with --image, a
    /// function built without an image, a zip function that would have to change package type.
    @Test func imageDeploysThatCannotWorkAreOneLine() async throws {
        let (lambda, _) = try await Self.imageLambdaDirectory()
        let zips = try await DeployFacts.examplesLambdaDirectory()
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            let noPush = try await scene.run(["deploy", "echo", "--image", "--lambda-dir", lambda], in: lambda)
            #expect(noPush.status == 1)
            #expect(
                DeployFacts.errorLines(noPush.standardError) == [
                    "error: echo is deployed as an image, which Lambda pulls from a registry; pass --push REGISTRY[/NAMESPACE] (an ECR repository such as ACCOUNT.dkr.ecr.REGION.amazonaws.com), or set push in [build]"
                ], "\(noPush.standardError)")

            let layer = try await scene.run(["deploy", "echo", "--image", "--push", "127.0.0.1:1/team", "--layer", "x"], in: lambda)
            #expect(layer.status == 64)
            #expect(
                DeployFacts.errorLines(layer.standardError) == [
                    "error: --layer does not apply to --image: Lambda takes no layers or runtime for a container image; leave --layer out"
                ], "\(layer.standardError)")
            let runtime = try await scene.run(["deploy", "--image", "--runtime", "provided.al2"], in: lambda)
            #expect(runtime.status == 64)
            #expect(DeployFacts.errorLines(runtime.standardError).first?.hasPrefix("error: --runtime does not apply to --image") == true)

            let noImage = try await scene.run(["deploy", "echo", "--image", "--push", "127.0.0.1:1/team", "--lambda-dir", zips], in: zips)
            #expect(noImage.status == 1)
            #expect(
                DeployFacts.errorLines(noImage.standardError) == [
                    "error: 'echo' was built without an image (no \(zips)/echo/image.tar); build it with --output-format image, or deploy it without --image"
                ], "\(noImage.standardError)")
            #expect(try await scene.account() == .empty, "nothing was created")

            // Layers from the file are refused for an image function too, naming where they are.
            let project = URL(fileURLWithPath: lambda).deletingLastPathComponent().path
            try "[functions.echo]\nlayers = [\"telemetry\"]\n".write(toFile: "\(project)/swift-lambda.toml", atomically: true, encoding: .utf8)
            let layered = try await scene.run(["deploy", "echo", "--image", "--push", "127.0.0.1:1/team", "--lambda-dir", lambda], in: project)
            #expect(layered.status == 1)
            #expect(
                DeployFacts.errorLines(layered.standardError) == [
                    "error: echo is deployed as an image, and Lambda takes no layers for an image; remove layers (\(project)/swift-lambda.toml:2 [functions.echo]) for it, or put the extension into the image"
                ], "\(layered.standardError)")
            try FileManager.default.removeItem(atPath: "\(project)/swift-lambda.toml")
            #expect(try await scene.account() == .empty, "nothing was created")

            // A zip function stays a zip function: Lambda cannot switch it in place.
            try await scene.succeed(["deploy", "greeter", "--lambda-dir", zips], in: zips)
            let switched = try await scene.run(
                ["deploy", "greeter", "--image", "--push", "127.0.0.1:1/team", "--lambda-dir", lambda, "--dry-run"], in: lambda)
            #expect(switched.status == 1)
            // The function's line as it fails, then the run's: the same one line.
            #expect(
                Set(DeployFacts.errorLines(switched.standardError)) == [
                    "error: greeter: Lambda cannot change the package type of greeter from Zip to Image; delete it first (swift-lambda delete greeter), then deploy it with --image"
                ], "\(switched.standardError)")
            #expect(try await scene.configuration("greeter")?["PackageType"] as? String == "Zip")
        }
    }
}
