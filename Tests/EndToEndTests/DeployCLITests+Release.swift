import Foundation
import LambdaTestSupport
import Testing

/// What deploy does besides a function's code and configuration: layers for extensions,
/// versions, aliases and function URLs.
extension DeployCLITests {
    @Test func anExtensionIsALayerPublishedOnceAndAFunctionGetsItsLatestVersionByName() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fixture", extensions: ["sidecar"], zip: true)
        let layerZip = "\(lambda)/extensions/sidecar.zip"
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            let first = try await scene.succeed(["deploy", "--lambda-dir", lambda, "--layer", "sidecar"], in: lambda)
            #expect(first.standardError.contains("layer sidecar: created (layer)"), "\(first.standardError)")
            let answers = try await scene.calls([
                ("lambda", "list_layer_versions", ["LayerName": "sidecar"]),
                ("lambda", "get_layer_version", ["LayerName": "sidecar", "VersionNumber": 1]),
                ("lambda", "get_function", ["FunctionName": "fixture"]),
            ])
            let (versions, published) = (answers[0], answers[1])
            #expect((versions["LayerVersions"] as? [Any])?.count == 1, "\(versions.text)")
            #expect(published.value(at: "Content", "CodeSha256") as? String == (try DeployFacts.codeSha256(layerZip)), "\(published.text)")
            #expect(
                published["CompatibleArchitectures"] as? [String] == [try DeployFacts.architecture("\(lambda)/extensions/sidecar")])
            #expect(published["CompatibleRuntimes"] as? [String] == ["provided.al2023"])
            let layerARN = "arn:aws:lambda:us-east-1:\(Self.account):layer:sidecar"
            #expect(published["LayerVersionArn"] as? String == "\(layerARN):1")
            let function = try #require(try DeployScene.configuration(answers[2]))
            #expect((function["Layers"] as? [[String: Any]])?.compactMap { $0["Arn"] as? String } == ["\(layerARN):1"])

            // The same zip again: no new version, and the function keeps its layer.
            let again = try await scene.succeed(["deploy", "--lambda-dir", lambda, "--layer", "sidecar"], in: lambda)
            #expect(again.standardError.contains("layer sidecar: unchanged"), "\(again.standardError)")
            #expect(again.standardError.contains("fixture: unchanged"), "\(again.standardError)")
            let still = try await scene.call("lambda", "list_layer_versions", ["LayerName": "sidecar"])
            #expect((still["LayerVersions"] as? [Any])?.count == 1, "\(still.text)")

            // A version published elsewhere is the latest: a function naming the layer gets it.
            let other = try await scene.call(
                "lambda", "publish_layer_version",
                ["LayerName": "sidecar", "Content": ["ZipFile": Data("not the fixture".utf8)], "CompatibleArchitectures": ["x86_64"]])
            #expect(other["Version"] as? Int == 2, "\(other.text)")
            let moved = try await scene.succeed(["deploy", "fixture", "--lambda-dir", lambda, "--layer", "sidecar"], in: lambda)
            #expect(moved.standardError.contains("fixture: updated (layers sidecar:1 -> sidecar:2)"), "\(moved.standardError)")
            let updated = try #require(try await scene.configuration("fixture"))
            #expect((updated["Layers"] as? [[String: Any]])?.compactMap { $0["Arn"] as? String } == ["\(layerARN):2"])
        }
    }

    @Test func anAliasPointsAtAPublishedVersionAndAFunctionURLIsPublicOrIAM() async throws {
        let lambda = try await DeployFacts.examplesLambdaDirectory()
        try await MotoServer.exclusive { server in
            let scene = try DeployScene(server)
            let release = ["deploy", "echo", "--lambda-dir", lambda, "--alias", "live", "--function-url", "--message-format", "json"]
            let first = try await scene.succeed(release, in: lambda)
            let object = try DeployFacts.deployed("echo", in: try DeployFacts.jsonLines(first.standardOutput))
            #expect(object["action"] as? String == "created")
            #expect(object["version"] as? String == "1")
            #expect(object["alias"] as? String == "live")
            let answers = try await scene.calls([
                ("lambda", "get_function_url_config", ["FunctionName": "echo", "Qualifier": "live"]),
                ("lambda", "get_policy", ["FunctionName": "echo", "Qualifier": "live"]),
                ("lambda", "get_alias", ["FunctionName": "echo", "Name": "live"]),
                ("lambda", "list_versions_by_function", ["FunctionName": "echo"]),
            ])
            let (url, policy, alias) = (answers[0], answers[1], answers[2])
            #expect(url["AuthType"] as? String == "NONE", "\(url.text)")
            #expect(object["url"] as? String == url["FunctionUrl"] as? String, "\(object)")
            let statements = try Self.statements(policy)
            #expect(
                statements.contains {
                    $0["Action"] as? String == "lambda:InvokeFunctionUrl" && $0["Principal"] as? String == "*"
                        && $0["FunctionUrlAuthType"] as? String == "NONE"
                }, "\(policy.text)")
            #expect(Self.versions(answers[3]) == ["$LATEST", "1"])
            #expect(alias["FunctionVersion"] as? String == "1", "\(alias.text)")

            // Unchanged: no new version, the alias stays.
            let again = try DeployFacts.deployed("echo", in: try DeployFacts.jsonLines(try await scene.succeed(release, in: lambda).standardOutput))
            #expect(again["action"] as? String == "unchanged", "\(again)")
            #expect(again["version"] as? String == "1")
            #expect(Self.versions(try await scene.call("lambda", "list_versions_by_function", ["FunctionName": "echo"])) == ["$LATEST", "1"])

            // New code: a new version, and the alias follows it.
            try FileManager.default.removeItem(atPath: "\(lambda)/echo/bootstrap.zip")
            try FileManager.default.copyItem(atPath: "\(lambda)/greeter/bootstrap.zip", toPath: "\(lambda)/echo/bootstrap.zip")
            let changed = try DeployFacts.deployed("echo", in: try DeployFacts.jsonLines(try await scene.succeed(release, in: lambda).standardOutput))
            #expect(changed["version"] as? String == "2")
            #expect(changed["changes"] as? [String] == ["code", "version 2", "alias live 1 -> 2"], "\(changed)")
            let after = try await scene.calls([
                ("lambda", "list_versions_by_function", ["FunctionName": "echo"]), ("lambda", "get_alias", ["FunctionName": "echo", "Name": "live"]),
            ])
            let moved = after[1]
            #expect(Self.versions(after[0]) == ["$LATEST", "1", "2"])
            #expect(moved["FunctionVersion"] as? String == "2", "\(moved.text)")

            // IAM auth: a URL and no public permission.
            try await scene.succeed(["deploy", "greeter", "--lambda-dir", lambda, "--function-url", "--function-url-auth", "iam"], in: lambda)
            let iam = try await scene.calls([
                ("lambda", "get_function_url_config", ["FunctionName": "greeter"]), ("lambda", "get_policy", ["FunctionName": "greeter"]),
            ])
            let (iamURL, noPolicy) = (iam[0], iam[1])
            #expect(iamURL["AuthType"] as? String == "AWS_IAM", "\(iamURL.text)")
            #expect(noPolicy.errorCode == "ResourceNotFoundException", "\(noPolicy.text)")

            // Delete takes the alias and the URL with the function; the role stays while greeter uses it, and with --keep-role.
            let deleted = try await scene.succeed(["delete", "echo"], in: lambda)
            #expect(deleted.standardError.contains("kept role swift-lambda-execution (still used by greeter)"), "\(deleted.standardError)")
            let gone = try await scene.calls([
                ("lambda", "get_alias", ["FunctionName": "echo", "Name": "live"]),
                ("lambda", "get_function_url_config", ["FunctionName": "echo", "Qualifier": "live"]),
            ])
            let (aliasGone, urlGone) = (gone[0], gone[1])
            #expect(aliasGone.errorCode == "ResourceNotFoundException", "\(aliasGone.text)")
            #expect(urlGone.errorCode == "ResourceNotFoundException", "\(urlGone.text)")
            let kept = try await scene.succeed(["delete", "greeter", "--keep-role"], in: lambda)
            #expect(kept.standardError.contains("kept role swift-lambda-execution (--keep-role)"), "\(kept.standardError)")
            #expect(try await scene.account() == .init(functions: [], hasRole: true, buckets: []))
        }
    }

    /// The versions a `list_versions_by_function` answer lists.
    static func versions(_ listed: Boto3Response) -> [String] {
        return ((listed["Versions"] as? [[String: Any]]) ?? []).compactMap { $0["Version"] as? String }
    }

    /// The statements of a `get_policy` answer (its Policy is JSON text).
    static func statements(_ answer: Boto3Response) throws -> [[String: Any]] {
        let text = try #require(answer["Policy"] as? String, "\(answer.text)")
        let policy = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (policy["Statement"] as? [[String: Any]]) ?? []
    }
}
