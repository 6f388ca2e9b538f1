import AWSClient
import Testing

@testable import LambdaDeploy

/// `FunctionPlan` for image functions: created without runtime, handler or layers; compared by
/// the repository and manifest digest the function runs; never moved across package types.
@Suite struct ImagePlanTests {
    static let role = FunctionPlanTests.role
    static let digest = "sha256:" + String(repeating: "a", count: 64)
    static let other = "sha256:" + String(repeating: "b", count: 64)
    static let repository = "127.0.0.1:5000/team/echo"

    static func spec(_ digest: String = digest, architecture: String = "x86_64", memory: Int? = nil) -> FunctionSpec {
        FunctionSpec(
            name: "echo", architecture: architecture, codeSha256: String(digest.dropFirst(7)), memory: memory,
            layers: ["arn:l:1"], imageURI: "\(repository)@\(digest)")
    }

    /// An image function as GetFunction answers: PackageType Image, no runtime or handler.
    static func remote(sha: String = "ignored", architecture: String = "x86_64") -> LambdaAPI.FunctionConfiguration {
        var configuration = FunctionPlanTests.remote(sha: sha, architecture: architecture)
        configuration.Runtime = nil
        configuration.Handler = nil
        configuration.PackageType = "Image"
        return configuration
    }

    static func code(_ uri: String) -> LambdaAPI.CodeLocation { .init(RepositoryType: "ECR", ImageUri: uri) }

    @Test func aNewImageFunctionHasNoRuntimeHandlerOrLayers() {
        let plan = FunctionPlan.decide(Self.spec(memory: 256), remote: nil, remoteTags: [:], defaultRole: Self.role)
        #expect(plan.action == .created)
        #expect(plan.configuration == LambdaAPI.Settings(role: Self.role, memorySize: 256))
        #expect(Self.spec().packageType == "Image")
    }

    @Test func theSamePinnedDigestIsUnchangedWhateverCodeSha256Says() {
        // moto's CodeSha256 of an image is a hash of the URI string, not the manifest digest.
        let plan = FunctionPlan.decide(
            Self.spec(), remote: Self.remote(sha: "0123"), remoteCode: Self.code("\(Self.repository)@\(Self.digest)"), remoteTags: [:],
            defaultRole: Self.role)
        #expect(plan.action == .unchanged, "\(plan.changes)")
        #expect(!plan.updateCode)
        #expect(plan.configuration.isEmpty, "no runtime, handler or layers compared: \(plan.configuration)")
    }

    @Test func anotherDigestUpdatesTheCodeOnly() {
        let plan = FunctionPlan.decide(
            Self.spec(Self.other), remote: Self.remote(), remoteCode: Self.code("\(Self.repository)@\(Self.digest)"), remoteTags: [:],
            defaultRole: Self.role)
        #expect(plan.updateCode)
        #expect(plan.configuration.isEmpty)
        #expect(plan.changes == ["image sha256:aaaaaaaaaaaa -> sha256:bbbbbbbbbbbb"])
    }

    /// A function given a tag (by another tool): Lambda's CodeSha256 is the manifest digest's hex.
    @Test func aTaggedImageIsComparedByCodeSha256() {
        let tagged = Self.code("\(Self.repository):latest")
        let same = FunctionPlan.decide(
            Self.spec(), remote: Self.remote(sha: String(repeating: "a", count: 64)), remoteCode: tagged, remoteTags: [:],
            defaultRole: Self.role)
        #expect(same.action == .unchanged, "\(same.changes)")
        let differs = FunctionPlan.decide(
            Self.spec(), remote: Self.remote(sha: String(repeating: "c", count: 64)), remoteCode: tagged, remoteTags: [:],
            defaultRole: Self.role)
        #expect(differs.updateCode)
    }

    @Test func anotherRepositoryIsACodeUpdateEvenWithTheSameDigest() {
        let plan = FunctionPlan.decide(
            Self.spec(), remote: Self.remote(), remoteCode: Self.code("elsewhere.example/echo@\(Self.digest)"), remoteTags: [:],
            defaultRole: Self.role)
        #expect(plan.updateCode)
        #expect(plan.changes == ["image elsewhere.example/echo@\(Self.digest) -> \(Self.repository)@\(Self.digest)"])
    }

    @Test func anArchitectureChangeOfAnImageUpdatesTheCode() {
        let plan = FunctionPlan.decide(
            Self.spec(architecture: "arm64"), remote: Self.remote(), remoteCode: Self.code("\(Self.repository)@\(Self.digest)"),
            remoteTags: [:], defaultRole: Self.role)
        #expect(plan.updateCode)
        #expect(plan.changes == ["architecture x86_64 -> arm64"])
    }

    @Test func thePackageTypeCannotChangeInPlace() {
        let zip = FunctionPlanTests.remote()
        let toImage = FunctionPlan.packageConflict(Self.spec(), remote: zip)
        #expect(toImage == .packageTypeDiffers(function: "echo", deployed: "Zip", wanted: "Image"))
        #expect(
            toImage?.description
                == "Lambda cannot change the package type of echo from Zip to Image; delete it first (swift-lambda delete echo), then deploy it with --image")
        let toZip = FunctionPlan.packageConflict(FunctionSpec(name: "echo", architecture: "x86_64", codeSha256: "abc="), remote: Self.remote())
        #expect(toZip == .packageTypeDiffers(function: "echo", deployed: "Image", wanted: "Zip"))
        #expect(FunctionPlan.packageConflict(Self.spec(), remote: Self.remote()) == nil)
        #expect(FunctionPlan.packageConflict(Self.spec(), remote: nil) == nil)
    }

    @Test func theTableAndJSONNameTheImage() {
        let uri = "\(Self.repository)@\(Self.digest)"
        let report = DeployReport(
            name: "echo", kind: .function, action: .created, arn: "arn:x", codeSha256: "aaaa", version: "$LATEST", changes: [],
            uploadedBytes: 0, imageURI: uri)
        let table = DeployOutput.table([report], dryRun: false)
        #expect(table[0].hasPrefix("NAME  KIND      ACTION   VERSION  CODE SHA256  IMAGE"), "\(table)")
        #expect(table[1].contains(uri))
        #expect(DeployOutput.json(report, dryRun: false).contains("\"image_uri\":\"\(uri)\""))
    }
}
