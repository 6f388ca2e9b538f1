import Foundation
import LambdaTestSupport
import Testing

/// `swift-lambda deploy`, `delete` and `invoke --remote` as a user runs them, against a moto
/// server on 127.0.0.1; what each did is read back with boto3, never with the tool's own client.
/// Steps that share state are one test (create, then redeploy, then delete), so each fixture
/// and each deploy is made once.
@Suite(.serialized) struct DeployCLITests {
    static let account = "123456789012"
    static let examples = ["echo", "greeter", "quotes"]
    static let roleARN = "arn:aws:iam::\(account):role/swift-lambda-execution"

    static func functionARN(_ name: String) -> String { "arn:aws:lambda:us-east-1:\(account):function:\(name)" }

    @Test func createsEveryExampleThenARedeployUploadsNothingThenDeleteRemovesTheRoleLast() async throws {
        let lambda = try await DeployFacts.examplesLambdaDirectory()
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            let first = try await scene.succeed(["deploy", "--lambda-dir", lambda], in: lambda)
            let answers = try await scene.calls(
                Self.examples.map { ("lambda", "get_function", ["FunctionName": $0]) } + [
                    ("iam", "get_role", ["RoleName": "swift-lambda-execution"]),
                    ("iam", "list_attached_role_policies", ["RoleName": "swift-lambda-execution"]),
                ])
            var modified: [String: String] = [:]
            for (name, answer) in zip(Self.examples, answers) {
                let sha = try DeployFacts.codeSha256("\(lambda)/\(name)/bootstrap.zip")
                #expect(first.standardError.contains("\(name): created"), "\(first.standardError)")
                #expect(
                    first.standardOutput.split(separator: "\n").contains { $0.hasPrefix("\(name) ") && $0.contains(" created ") && $0.contains(sha) },
                    "the summary lists \(name):\n\(first.standardOutput)")
                let configuration = try #require(try DeployScene.configuration(answer), "\(name) was not created")
                #expect(configuration["Runtime"] as? String == "provided.al2023")
                #expect(configuration["Handler"] as? String == "bootstrap")
                #expect(configuration["Architectures"] as? [String] == [try DeployFacts.architecture("\(lambda)/\(name)/bootstrap")])
                #expect(configuration["CodeSha256"] as? String == sha, "\(name)")
                #expect(configuration["Role"] as? String == Self.roleARN)
                modified[name] = configuration["LastModified"] as? String
            }
            let (role, policies) = (answers[3], answers[4])
            #expect(role.value(at: "Role", "AssumeRolePolicyDocument", "Statement", 0, "Principal", "Service") as? String == "lambda.amazonaws.com", "\(role.text)")
            #expect(
                policies.value(at: "AttachedPolicies", 0, "PolicyArn") as? String
                    == "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "\(policies.text)")

            // Nothing changed: nothing is uploaded or written, and the JSON says so.
            let again = try await scene.succeed(["deploy", "--lambda-dir", lambda, "--message-format", "json"], in: lambda)
            let lines = try DeployFacts.jsonLines(again.standardOutput)
            #expect(lines.count == Self.examples.count + 1, "\(again.standardOutput)")
            let unchanged = try await scene.configurations(Self.examples)
            for (name, configuration) in zip(Self.examples, unchanged) {
                let object = try DeployFacts.deployed(name, in: lines)
                #expect(object["kind"] as? String == "function")
                #expect(object["action"] as? String == "unchanged", "\(object)")
                #expect(object["arn"] as? String == Self.functionARN(name))
                #expect(object["code_sha256"] as? String == (try DeployFacts.codeSha256("\(lambda)/\(name)/bootstrap.zip")))
                #expect(object["version"] as? String == "$LATEST")
                #expect(object.keys.contains("url") && object["url"] is NSNull, "url is null without a function URL: \(object)")
                #expect(object["uploaded_bytes"] as? Int == 0)
                #expect(again.standardError.contains("\(name): unchanged"), "\(again.standardError)")
                #expect(configuration?["LastModified"] as? String == modified[name], "\(name) was written to")
                #expect(configuration?["CodeSha256"] as? String == (try DeployFacts.codeSha256("\(lambda)/\(name)/bootstrap.zip")))
            }
            let finished = try DeployFacts.finished(in: lines)
            #expect(finished["uploaded_bytes"] as? Int == 0)
            #expect(finished["unchanged"] as? Int == 3 && finished["created"] as? Int == 0 && finished["updated"] as? Int == 0)
            #expect(finished["success"] as? Bool == true)

            // An unknown name: one line naming what there is.
            let unknown = try await scene.run(["deploy", "echoo", "--lambda-dir", lambda], in: lambda)
            #expect(unknown.status != 0)
            #expect(
                DeployFacts.errorLines(unknown.standardError) == [
                    "error: no function or extension named 'echoo' in the lambda directory (did you mean 'echo'?); it has: echo, greeter, quotes"
                ], "\(unknown.standardError)")

            // moto has no container engine: its answer is a function error, printed as Lambda gave it.
            let invoked = try await scene.run(["invoke", "echo", "--remote", "--data", #"{"x":1}"#], in: lambda)
            let direct = try await scene.call("lambda", "invoke", ["FunctionName": "echo", "Payload": Data(#"{"x":1}"#.utf8)])
            let payload = try #require(Boto3Response.bytes(direct["Payload"]), "\(direct.text)")
            #expect(direct["FunctionError"] as? String == "Handled")
            #expect(invoked.status == 1)
            #expect(invoked.standardOutput == String(decoding: payload, as: UTF8.self) + "\n", "\(invoked.standardOutput)")
            #expect(
                DeployFacts.errorLines(invoked.standardError) == [
                    "error: echo returned a function error (Handled); its error object is on standard output"
                ], "\(invoked.standardError)")

            // The role stays while a function uses it, and goes with the last one.
            let one = try await scene.succeed(["delete", "echo"], in: lambda)
            #expect(one.standardOutput.contains("deleted echo"), "\(one.standardOutput)")
            #expect(one.standardError.contains("kept role swift-lambda-execution (still used by greeter, quotes)"), "\(one.standardError)")
            #expect(try await scene.account() == .init(functions: ["greeter", "quotes"], hasRole: true, buckets: []))
            let rest = try await scene.succeed(["delete", "greeter", "quotes"], in: lambda)
            #expect(rest.standardOutput.contains("deleted role swift-lambda-execution (no function uses it)"), "\(rest.standardOutput)")
            #expect(try await scene.account() == .empty)
            let gone = try await scene.run(["delete", "echo"], in: lambda)
            #expect(gone.status == 1)
            #expect(
                DeployFacts.errorLines(gone.standardError) == ["error: no function named 'echo' in us-east-1; check the name and --region"],
                "\(gone.standardError)")
        }
    }

    @Test func aSourceChangeUpdatesTheCodeOnly() async throws {
        let root = try Harness.fixture("tiny")
        let zip = "\(root)/target/lambda/Hello/bootstrap.zip"
        let build = ["build", "--product", "Hello", "--output-format", "zip"]
        let built = try await Harness.runOffThePool(build, in: root)
        try #require(built.status == 0, "\(built.standardError)")
        let before = try DeployFacts.codeSha256(zip)
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            try await scene.succeed(["deploy", "Hello"], in: root)
            #expect(try await scene.configuration("Hello")?["CodeSha256"] as? String == before)

            let source = "\(root)/Sources/Hello/main.swift"
            let text = try String(contentsOfFile: source, encoding: .utf8)
            try text.replacingOccurrences(of: "hello from tiny", with: "hello again from tiny")
                .write(toFile: source, atomically: true, encoding: .utf8)
            let rebuilt = try await Harness.runOffThePool(build, in: root)
            try #require(rebuilt.status == 0, "\(rebuilt.standardError)")
            let after = try DeployFacts.codeSha256(zip)
            #expect(after != before)

            let redeployed = try await scene.succeed(["deploy", "Hello", "--message-format", "json"], in: root)
            let object = try DeployFacts.deployed("Hello", in: try DeployFacts.jsonLines(redeployed.standardOutput))
            #expect(object["action"] as? String == "updated")
            #expect(object["changes"] as? [String] == ["code"], "\(object)")
            #expect(object["code_sha256"] as? String == after)
            let size = try FileManager.default.attributesOfItem(atPath: zip)[.size] as? Int
            #expect(object["uploaded_bytes"] as? Int == size)
            #expect(redeployed.standardError.contains("Hello: updated (code), "), "\(redeployed.standardError)")
            #expect(try await scene.configuration("Hello")?["CodeSha256"] as? String == after)
        }
    }

    /// Flags over `[functions.NAME]` over `[deploy]`, tables merged key by key, and a
    /// redeploy that differs in one field changes that field alone.
    @Test func configurationComesFromFlagsAndTheFileAndOnlyWhatDiffersChanges() async throws {
        let root = try Harness.temporaryDirectory(prefix: "deploy-config")
        try FileManager.default.createDirectory(atPath: "\(root)/target", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try await DeployFacts.examplesLambdaDirectory(), toPath: "\(root)/target/lambda")
        try FileManager.default.copyItem(atPath: "\(Harness.repositoryRoot)/Examples/Package.swift", toPath: "\(root)/Package.swift")
        try """
            [deploy]
            memory = 256
            timeout = 20
            description = "from [deploy]"
            tags = { team = "platform", cost-centre = "42" }

            [functions.greeter]
            memory = 1024
            env-file = "config/greeter.env"
            env = { GREETING = "from the table" }
            tags = { team = "greeter" }
            """.write(toFile: "\(root)/swift-lambda.toml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "\(root)/config", withIntermediateDirectories: true)
        try "GREETING=from the file\nLANGUAGE=en\n".write(toFile: "\(root)/config/greeter.env", atomically: true, encoding: .utf8)
        try "# for echo\nA=from the file\nB=2\n".write(toFile: "\(root)/flags.env", atomically: true, encoding: .utf8)
        let echoFlags = ["--memory", "512", "--env", "A=1", "--env-file", "flags.env", "--description", "D", "--tag", "team=x"]

        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            try await scene.succeed(["deploy", "echo", "--timeout", "10"] + echoFlags, in: root)
            let echo = try await Self.settings("echo", scene)
            #expect(
                echo == Settings(
                    memory: 512, timeout: 10, description: "D", environment: ["A": "1", "B": "2"],
                    tags: ["team": "x", "cost-centre": "42"], codeSha256: try DeployFacts.codeSha256("\(root)/target/lambda/echo/bootstrap.zip")))

            try await scene.succeed(["deploy", "greeter", "--timeout", "30"], in: root)
            #expect(
                try await Self.settings("greeter", scene) == Settings(
                    memory: 1024, timeout: 30, description: "from [deploy]",
                    environment: ["GREETING": "from the table", "LANGUAGE": "en"], tags: ["team": "greeter", "cost-centre": "42"],
                    codeSha256: try DeployFacts.codeSha256("\(root)/target/lambda/greeter/bootstrap.zip")))

            // One flag differs: one field changes, the code and everything else stay.
            let retimed = try await scene.succeed(
                ["deploy", "echo", "--timeout", "11", "--message-format", "json"] + echoFlags, in: root)
            let object = try DeployFacts.deployed("echo", in: try DeployFacts.jsonLines(retimed.standardOutput))
            #expect(object["action"] as? String == "updated")
            #expect(object["changes"] as? [String] == ["timeout 10 -> 11"], "\(object)")
            #expect(object["uploaded_bytes"] as? Int == 0)
            #expect(retimed.standardError.contains("echo: updated (timeout 10 -> 11) in "), "\(retimed.standardError)")
            var retimedEcho = echo
            retimedEcho.timeout = 11
            #expect(try await Self.settings("echo", scene) == retimedEcho)
            // Without the flag, [deploy]'s timeout applies again.
            let plain = try await scene.succeed(["deploy", "greeter"], in: root)
            #expect(plain.standardError.contains("greeter: updated (timeout 30 -> 20) in "), "\(plain.standardError)")
            #expect(try await scene.configuration("greeter")?["Timeout"] as? Int == 20)
        }
    }

    /// What the configuration test sets on a function, and its code, as moto has them.
    struct Settings: Equatable {
        var memory: Int?
        var timeout: Int?
        var description: String?
        var environment: [String: String]?
        var tags: [String: String]?
        var codeSha256: String?
    }

    /// One get_function (its answer carries the tags too).
    static func settings(_ name: String, _ scene: DeployScene) async throws -> Settings {
        let answer = try await scene.call("lambda", "get_function", ["FunctionName": name])
        let configuration = try #require(try DeployScene.configuration(answer), "no function \(name)")
        return Settings(
            memory: configuration["MemorySize"] as? Int, timeout: configuration["Timeout"] as? Int,
            description: configuration["Description"] as? String,
            environment: (configuration["Environment"] as? [String: Any])?["Variables"] as? [String: String],
            tags: answer["Tags"] as? [String: String], codeSha256: configuration["CodeSha256"] as? String)
    }
}
