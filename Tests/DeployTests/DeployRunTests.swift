import AWSClient
import Archiver
import Foundation
import LambdaDeploy
import LambdaSupport
import LambdaTestSupport
import Testing

/// The AWS half of deploy against moto, read back with boto3: what each decision makes the client do.
@Suite struct DeployRunTests {
    static func client(_ server: MotoServer) -> AWSClient {
        AWSClient(
            region: MotoServer.region, endpoints: AWSEndpoints(region: MotoServer.region, override: URL(string: server.endpoint)),
            credentials: StaticCredentials(AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing", source: "test")))
    }

    /// Bytes standing in for a zip (moto does not unpack them), in a file as deploy reads them.
    static func zip(_ text: String, name: String = "unused") -> DeployZip {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-run-\(UUID().uuidString).zip").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        let summary = ZipSummary(path: path, size: Int64(text.utf8.count), sha256: SHA256Hasher.hash(Array(text.utf8)))
        return DeployZip(name: name, kind: .function, zip: summary, isTemporary: true, unzippedBytes: 0, architecture: .x86_64)
    }

    static func job(_ name: String, _ text: String, configure: (inout FunctionSpec) -> Void = { _ in }) -> DeployJob {
        let zip = zip(text, name: name)
        var spec = FunctionSpec(name: name, architecture: zip.architecture.rawValue, codeSha256: zip.codeSha256)
        configure(&spec)
        return DeployJob(zip: zip, spec: spec)
    }

    @Test func createsThenLeavesUnchangedThenUpdatesOnlyWhatDiffers() async throws {
        try await MotoServer.exclusive { server in
            let run = DeployRun(client: Self.client(server), dryRun: false, wait: WaitPolicy(interval: 0.1, limit: 10))
            let first = await run.run(extensions: [], functions: [Self.job("alpha", "one") { $0.memory = 256 }], runtimes: ["provided.al2023"])
            #expect(first.failures.isEmpty, "\(first.failures)")
            #expect(first.reports.map(\.action) == [.created])
            let remote = try await Boto3.call("lambda", "get_function", ["FunctionName": "alpha"], endpoint: server.endpoint)
            #expect(remote.value(at: "Configuration", "CodeSha256") as? String == Self.zip("one").codeSha256, "\(remote.text)")
            #expect(remote.value(at: "Configuration", "MemorySize") as? Int == 256)
            #expect(remote.value(at: "Configuration", "Handler") as? String == "bootstrap")
            #expect((remote.value(at: "Configuration", "Role") as? String)?.hasSuffix(":role/swift-lambda-execution") == true)

            let again = await run.run(extensions: [], functions: [Self.job("alpha", "one") { $0.memory = 256 }], runtimes: [])
            #expect(again.reports.map(\.action) == [.unchanged], "\(again.reports)")
            #expect(again.reports.first?.uploadedBytes == 0)

            let changed = await run.run(
                extensions: [], functions: [Self.job("alpha", "two") { $0.memory = 512; $0.environment = ["A": "1"] }], runtimes: [])
            #expect(changed.failures.isEmpty, "\(changed.failures)")
            #expect(changed.reports.first?.action == .updated)
            #expect(changed.reports.first?.changes.contains("code") == true, "\(changed.reports)")
            let updated = try await Boto3.call("lambda", "get_function", ["FunctionName": "alpha"], endpoint: server.endpoint)
            #expect(updated.value(at: "Configuration", "CodeSha256") as? String == Self.zip("two").codeSha256, "\(updated.text)")
            #expect(updated.value(at: "Configuration", "MemorySize") as? Int == 512)
            #expect(updated.value(at: "Configuration", "Environment", "Variables", "A") as? String == "1")
        }
    }
}
