import Foundation
import LambdaTestSupport
import Testing

/// Deploys that must not simply send a zip: too large to send inline, too large for Lambda,
/// dry runs, missing credentials; and `invoke --remote`.
extension DeployCLITests {
    /// A function directory `name` in `lambda`: the Examples' real echo bootstrap and one more file.
    static func functionDirectory(_ name: String, in lambda: String, examples: String, extra: (String) throws -> Void) throws {
        try FileManager.default.createDirectory(atPath: "\(lambda)/\(name)", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(examples)/echo/bootstrap", toPath: "\(lambda)/\(name)/bootstrap")
        try extra("\(lambda)/\(name)")
    }

    @Test func aZipOver50MBGoesThroughS3AndDryRunsAndOversizedFunctionsChangeNothing() async throws {
        let examples = try await DeployFacts.examplesLambdaDirectory()
        let lambda = "\(try Harness.temporaryDirectory(prefix: "deploy-large"))/lambda"
        try Self.functionDirectory("big", in: lambda, examples: examples) { directory in
            // 55 MiB that do not compress: the zip is over the 50 MB direct-upload limit.
            let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
            try random.readData(ofLength: 55 * 1024 * 1024).write(to: URL(fileURLWithPath: "\(directory)/noise.bin"))
        }
        try Self.functionDirectory("huge", in: lambda, examples: examples) { directory in
            // 251 MiB unzipped, sparse: over Lambda's 250 MB.
            _ = FileManager.default.createFile(atPath: "\(directory)/sparse.bin", contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/sparse.bin"))
            try handle.truncate(atOffset: 251 * 1024 * 1024)
            try handle.close()
        }
        let bucket = "swift-lambda-\(Self.account)-us-east-1"
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            let preview = try await scene.succeed(["deploy", "big", "--lambda-dir", lambda, "--dry-run"], in: lambda)
            #expect(preview.standardError.contains("big: would be created (role swift-lambda-execution (to be created); upload "), "\(preview.standardError)")
            #expect(preview.standardError.contains(" bytes to s3://\(bucket) (bucket to be created))"), "\(preview.standardError)")
            #expect(try await scene.account() == .empty)

            let refused = try await scene.run(["deploy", "huge", "--lambda-dir", lambda, "-v"], in: lambda)
            #expect(refused.status == 1)
            let errors = DeployFacts.errorLines(refused.standardError)
            #expect(errors.count == 1 && errors.first?.hasPrefix("error: 'huge' is ") == true, "\(refused.standardError)")
            #expect(errors.first?.contains(" bytes unzipped, over Lambda's 262144000-byte limit for a function") == true)
            // -v traces every AWS call (the credentials found are traced too, and make none).
            #expect(
                !refused.standardError.contains(#/aws: (lambda|iam|sts|s3) /#), "no AWS call before the refusal:\n\(refused.standardError)")
            #expect(try await scene.account() == .empty)

            let uploaded = try await scene.succeed(["deploy", "big", "--lambda-dir", lambda, "--message-format", "json", "-v"], in: lambda)
            let object = try DeployFacts.deployed("big", in: try DeployFacts.jsonLines(uploaded.standardOutput))
            #expect(object["action"] as? String == "created")
            let size = try #require(object["uploaded_bytes"] as? Int)
            #expect(size > 50 * 1024 * 1024)
            let sha = try #require(object["code_sha256"] as? String)
            let hex = try #require(Data(base64Encoded: sha)).map { String(format: "%02x", $0) }.joined()
            let answers = try await scene.calls([
                ("s3", "list_buckets", [:]), ("s3", "head_object", ["Bucket": bucket, "Key": "swift-lambda/big/\(hex).zip"]),
                ("lambda", "get_function", ["FunctionName": "big"]),
            ])
            let head = answers[1]
            #expect((answers[0]["Buckets"] as? [[String: Any]])?.compactMap { $0["Name"] as? String } == [bucket], "\(answers[0].text)")
            #expect(head["ContentLength"] as? Int == size, "\(head.text)")
            #expect(uploaded.standardError.contains("aws: s3 PutObject PUT /\(bucket)/swift-lambda/big/\(hex).zip -> 200"), "\(uploaded.standardError)")
            // moto reads the function's code from the object: its hash is the zip's.
            let function = try #require(try DeployScene.configuration(answers[2]))
            #expect(function["CodeSha256"] as? String == sha)
            #expect(function["CodeSize"] as? Int == size)

            // A dry run against the deployed function: the change is printed, nothing is written.
            let change = try await scene.succeed(["deploy", "big", "--lambda-dir", lambda, "--dry-run", "--memory", "1024"], in: lambda)
            #expect(change.standardError.contains("big: would be updated (memory 128 -> 1024)"), "\(change.standardError)")
            let after = try #require(try await scene.configuration("big"))
            #expect(after["MemorySize"] as? Int == 128)
            #expect(after["LastModified"] as? String == function["LastModified"] as? String)
        }
    }

    @Test func credentialsComeFromAProfileAndTheirAbsenceIsOneLine() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(zip: true)
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            let withoutKeys = scene.environment.filter { $0.key != "AWS_ACCESS_KEY_ID" && $0.key != "AWS_SECRET_ACCESS_KEY" }

            let missing = try await scene.run(["deploy", "--lambda-dir", lambda], in: lambda, environment: withoutKeys)
            #expect(missing.status == 1)
            let errors = DeployFacts.errorLines(missing.standardError)
            #expect(errors.count == 1, "\(missing.standardError)")
            #expect(errors.first?.hasPrefix("error: no AWS credentials found") == true, "\(missing.standardError)")
            #expect(errors.first?.contains("AWS_ACCESS_KEY_ID") == true && errors.first?.contains("--profile") == true)
            #expect(try await scene.account() == .empty)

            try FileManager.default.createDirectory(atPath: "\(scene.home)/.aws", withIntermediateDirectories: true)
            try "[default]\nregion = us-east-1\n\n[dev]\naws_access_key_id = AKIDPROFILEDEV\naws_secret_access_key = profile-secret-not-printed\n"
                .write(toFile: "\(scene.home)/.aws/credentials", atomically: true, encoding: .utf8)
            let deployed = try await scene.run(["deploy", "--lambda-dir", lambda, "--profile", "dev", "-v"], in: lambda, environment: withoutKeys)
            #expect(deployed.status == 0, "\(deployed.standardError)")
            #expect(deployed.standardError.contains("fixture: created"), "\(deployed.standardError)")
            #expect(deployed.standardError.contains("from profile dev in \(scene.home)/.aws/credentials"), "\(deployed.standardError)")
            #expect(!(deployed.standardOutput + deployed.standardError).contains("profile-secret-not-printed"))
            #expect(try await scene.account() == .init(functions: ["fixture"], hasRole: true, buckets: []))
        }
    }

    @Test func invokeRemoteCallsTheEndpointAndPrintsTheResponse() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let serve = try BackgroundCLI(["serve", "fixture", "--lambda-dir", lambda, "--env", "FIXTURE_MODE=echo"], in: lambda)
        let endpoint = try await serve.endpoint()
        let home = try Harness.temporaryDirectory(prefix: "deploy-home")
        let environment = [
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "HOME": home,
            "AWS_EC2_METADATA_DISABLED": "true", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        let invoked = try await Harness.runOffThePool(
            ["invoke", "fixture", "--remote", "--endpoint-url", "http://\(endpoint)", "--data", #"{"remote":true}"#], in: lambda,
            environment: environment)
        #expect(invoked.status == 0, "\(invoked.standardError)")
        #expect(invoked.standardOutput == #"{"remote":true}"# + "\n")
        #expect(try await serve.interrupt() == 0)
    }
}
