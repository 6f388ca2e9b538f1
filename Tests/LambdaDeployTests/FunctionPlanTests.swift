import AWSClient
import Testing

@testable import LambdaDeploy

@Suite struct FunctionPlanTests {
    static let role = "arn:aws:iam::123456789012:role/swift-lambda-execution"

    static func remote(
        sha: String = "abc=", memory: Int = 128, timeout: Int = 3, architecture: String = "x86_64", environment: [String: String]? = nil
    ) -> LambdaAPI.FunctionConfiguration {
        var configuration = LambdaAPI.FunctionConfiguration()
        configuration.FunctionName = "echo"
        configuration.Role = role
        configuration.Runtime = "provided.al2023"
        configuration.Handler = "bootstrap"
        configuration.CodeSha256 = sha
        configuration.MemorySize = memory
        configuration.Timeout = timeout
        configuration.Architectures = [architecture]
        configuration.Environment = environment.map { LambdaAPI.EnvironmentResponse(Variables: $0) }
        return configuration
    }

    @Test func aMissingFunctionIsCreatedWithEverySettingAndTheDefaultRole() {
        let spec = FunctionSpec(name: "echo", architecture: "arm64", codeSha256: "abc=", memory: 256, tags: ["team": "a"])
        let plan = FunctionPlan.decide(spec, remote: nil, remoteTags: [:], defaultRole: Self.role)
        #expect(plan.action == .created)
        #expect(plan.configuration.role == Self.role)
        #expect(plan.configuration.handler == "bootstrap")
        #expect(plan.configuration.runtime == "provided.al2023")
        #expect(plan.configuration.memorySize == 256)
        #expect(plan.configuration.timeout == nil)
        #expect(plan.tags == ["team": "a"])
    }

    @Test func theSameCodeAndSettingsAreUnchanged() {
        let spec = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=", memory: 128)
        let plan = FunctionPlan.decide(spec, remote: Self.remote(), remoteTags: [:], defaultRole: Self.role)
        #expect(plan.action == .unchanged)
        #expect(!plan.updateCode)
        #expect(plan.configuration.isEmpty)
    }

    /// What the spec leaves unset is left as the function has it: a memory size set in the
    /// console survives a deploy that names none.
    @Test func unsetSettingsKeepTheFunctionsValues() {
        let spec = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=")
        let plan = FunctionPlan.decide(spec, remote: Self.remote(memory: 2048, timeout: 60), remoteTags: [:], defaultRole: Self.role)
        #expect(plan.action == .unchanged)
    }

    @Test func onlyTheFieldsThatDifferAreSent() {
        let spec = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=", memory: 512, timeout: 3)
        let plan = FunctionPlan.decide(spec, remote: Self.remote(), remoteTags: [:], defaultRole: Self.role)
        #expect(plan.configuration == LambdaAPI.Settings(memorySize: 512))
        #expect(plan.changes == ["memory 128 -> 512"])
        #expect(!plan.updateCode)
        #expect(plan.action == .updated)
    }

    @Test func codeIsUploadedOnlyWhenTheHashDiffers() {
        let spec = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "new=")
        let plan = FunctionPlan.decide(spec, remote: Self.remote(sha: "old="), remoteTags: [:], defaultRole: Self.role)
        #expect(plan.updateCode)
        #expect(plan.changes == ["code"])
    }

    @Test func anArchitectureChangeIsACodeUpdateEvenWithTheSameHash() {
        let spec = FunctionSpec(name: "echo", architecture: "arm64", codeSha256: "abc=")
        let plan = FunctionPlan.decide(spec, remote: Self.remote(), remoteTags: [:], defaultRole: Self.role)
        #expect(plan.updateCode)
        #expect(plan.changes == ["architecture x86_64 -> arm64"])
    }

    /// The environment given replaces the function's whole set; the change names keys, never values.
    @Test func environmentReplacesTheSetAndNamesOnlyKeys() {
        let spec = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=", environment: ["A": "secret2", "C": "3"])
        let plan = FunctionPlan.decide(
            spec, remote: Self.remote(environment: ["A": "secret1", "B": "2"]), remoteTags: [:], defaultRole: Self.role)
        #expect(plan.configuration.environment == ["A": "secret2", "C": "3"])
        #expect(plan.changes == ["environment +C ~A -B"])
        #expect(!plan.changes.joined().contains("secret"))
        let same = FunctionPlan.decide(
            FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=", environment: [:]), remote: Self.remote(),
            remoteTags: [:], defaultRole: Self.role)
        #expect(same.action == .unchanged, "an empty set on a function with none is no change")
    }

    @Test func tagsAreAddedNotRemoved() {
        let spec = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=", tags: ["team": "a", "env": "prod"])
        let plan = FunctionPlan.decide(spec, remote: Self.remote(), remoteTags: ["team": "a", "other": "x"], defaultRole: Self.role)
        #expect(plan.tags == ["env": "prod"])
        #expect(plan.changes == ["tags env"])
    }

    @Test func layersAreComparedInOrder() {
        var remote = Self.remote()
        remote.Layers = [LambdaAPI.LayerReference(Arn: "arn:l:1"), LambdaAPI.LayerReference(Arn: "arn:k:2")]
        let reordered = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=", layers: ["arn:k:2", "arn:l:1"])
        #expect(FunctionPlan.decide(reordered, remote: remote, remoteTags: [:], defaultRole: Self.role).configuration.layers == ["arn:k:2", "arn:l:1"])
        let same = FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc=", layers: ["arn:l:1", "arn:k:2"])
        #expect(FunctionPlan.decide(same, remote: remote, remoteTags: [:], defaultRole: Self.role).action == .unchanged)
    }

    @Test func qualifiedARNsLoseTheirVersion() {
        #expect(FunctionDeployer.unqualified("arn:aws:lambda:us-east-1:123456789012:function:echo:7") == "arn:aws:lambda:us-east-1:123456789012:function:echo")
        #expect(FunctionDeployer.unqualified("arn:aws:lambda:us-east-1:123456789012:function:echo") == "arn:aws:lambda:us-east-1:123456789012:function:echo")
    }

    @Test func boundedRunsAtMostNAtOnceAndKeepsOrder() async {
        actor Gauge {
            var running = 0
            var peak = 0
            func enter() { running += 1; peak = max(peak, running) }
            func leave() { running -= 1 }
        }
        let gauge = Gauge()
        let results = await DeployRun.bounded(Array(0..<10), concurrency: 3) { item in
            await gauge.enter()
            try? await Task.sleep(for: .milliseconds(20))
            await gauge.leave()
            return item * 2
        }
        #expect(results == (0..<10).map { $0 * 2 })
        #expect(await gauge.peak <= 3)
        #expect(await gauge.peak >= 2)
    }
}

@Suite struct DeployOutputTests {
    static let report = DeployReport(
        name: "echo", kind: .function, action: .updated, arn: "arn:aws:lambda:us-east-1:1:function:echo", codeSha256: "abc=",
        version: "$LATEST", url: "https://x.lambda-url.us-east-1.on.aws/", changes: ["code", "memory 128 -> 256"],
        uploadedBytes: 2048, seconds: 1.25)

    @Test func progressSaysWhatChanged() {
        #expect(DeployOutput.progress(Self.report, dryRun: false) == "echo: updated (code; memory 128 -> 256), 2.0 KB uploaded in 1.2 s")
        #expect(DeployOutput.progress(Self.report, dryRun: true).hasPrefix("echo: would be updated (code; memory 128 -> 256), 2.0 KB to upload"))
    }

    @Test func tableAlignsColumns() {
        let lines = DeployOutput.table([Self.report], dryRun: false)
        #expect(lines[0].hasPrefix("NAME  KIND      ACTION   VERSION  CODE SHA256  URL"))
        #expect(lines[1] == "echo  function  updated  $LATEST  abc=         https://x.lambda-url.us-east-1.on.aws/")
    }

    @Test func jsonHasTheFieldsScriptsRead() throws {
        let line = DeployOutput.json(Self.report, dryRun: false)
        for field in ["\"name\":\"echo\"", "\"kind\":\"function\"", "\"action\":\"updated\"", "\"code_sha256\":\"abc=\"", "\"version\":\"$LATEST\"", "\"url\":", "\"arn\":", "\"reason\":\"deployed\""] {
            #expect(line.contains(field), "\(line)")
        }
        let finished = DeployOutput.finished([Self.report], dryRun: false, seconds: 2)
        #expect(finished.contains("\"reason\":\"deploy-finished\"") && finished.contains("\"uploaded_bytes\":2048") && finished.contains("\"success\":true"))
    }
}
