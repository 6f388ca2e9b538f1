import Foundation
import LambdaInvoke
import LambdaTestSupport
import Testing

/// Finding artifacts where `build` writes them, and unpacking zips as Lambda does.
@Suite struct ArtifactLocatorTests {
    @Test func theLambdaDirectoryDefaultsLikeBuilds() throws {
        #expect(try ArtifactLocator.lambdaDirectory(packagePath: nil, lambdaDirectory: nil, currentDirectory: "/w") == "/w/target/lambda")
        #expect(try ArtifactLocator.lambdaDirectory(packagePath: "pkg", lambdaDirectory: nil, currentDirectory: "/w") == "/w/pkg/target/lambda")
        #expect(try ArtifactLocator.lambdaDirectory(packagePath: "pkg", lambdaDirectory: "out", currentDirectory: "/w") == "/w/out")
        #expect(try ArtifactLocator.lambdaDirectory(packagePath: nil, lambdaDirectory: "/abs", currentDirectory: "/w") == "/abs")
    }

    /// `lambda-dir` where `build` takes it from without flags, in build's order:
    /// SWIFT_LAMBDA_LAMBDA_DIR (relative to the current directory), over it the package's
    /// swift-lambda.toml (relative to the file), over both --lambda-dir.
    @Test func theLambdaDirectoryFollowsTheConfigurationLikeBuilds() throws {
        let package = FileManager.default.temporaryDirectory.appendingPathComponent("locator-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: package, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: package) }
        try "[build]\nlambda-dir = \"out/functions\"\n".write(
            toFile: "\(package)/swift-lambda.toml", atomically: true, encoding: .utf8)

        #expect(try ArtifactLocator.lambdaDirectory(packagePath: package, lambdaDirectory: nil, currentDirectory: "/w") == "\(package)/out/functions")
        #expect(try ArtifactLocator.lambdaDirectory(packagePath: nil, lambdaDirectory: nil, currentDirectory: package) == "\(package)/out/functions")
        let variable = ["SWIFT_LAMBDA_LAMBDA_DIR": "elsewhere"]
        #expect(
            try ArtifactLocator.lambdaDirectory(packagePath: package, lambdaDirectory: nil, currentDirectory: "/w", environment: variable)
                == "\(package)/out/functions")
        #expect(
            try ArtifactLocator.lambdaDirectory(packagePath: "/w", lambdaDirectory: nil, currentDirectory: "/w", environment: variable)
                == "/w/elsewhere")
        #expect(
            try ArtifactLocator.lambdaDirectory(packagePath: package, lambdaDirectory: "flag", currentDirectory: "/w", environment: variable)
                == "/w/flag")

        try "[build]\nlambda-dir = 3\n".write(toFile: "\(package)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let error = #expect(throws: (any Error).self) {
            try ArtifactLocator.lambdaDirectory(packagePath: package, lambdaDirectory: nil, currentDirectory: "/w")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("swift-lambda.toml:2"))
    }

    @Test func directoriesAreUsedInPlace() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn", extensions: ["logger"])
        let prepared = try ArtifactLocator.prepare(function: "fn", extensions: ["logger"], zip: false, lambdaDirectory: lambda)
        #expect(prepared.taskRoot == "\(lambda)/fn")
        #expect(prepared.bootstrap == "\(lambda)/fn/bootstrap")
        #expect(prepared.optRoot == lambda)
        #expect(prepared.extensions.map(\.executable) == ["\(lambda)/extensions/logger"])
        #expect(prepared.temporaryDirectory == nil)
    }

    @Test func zipsAreUnpackedIntoATaskAndAnOptDirectoryAndRemoved() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn", extensions: ["logger"], zip: true)
        let prepared = try ArtifactLocator.prepare(function: "fn", extensions: ["logger"], zip: true, lambdaDirectory: lambda)
        let temporary = try #require(prepared.temporaryDirectory)
        #expect(prepared.taskRoot == "\(temporary)/task")
        #expect(prepared.optRoot == "\(temporary)/opt")
        let files = FileManager.default
        #expect(files.isExecutableFile(atPath: prepared.bootstrap))
        #expect(files.isExecutableFile(atPath: "\(temporary)/opt/extensions/logger"))
        #expect(files.contentsEqual(atPath: prepared.bootstrap, andPath: "\(lambda)/fn/bootstrap"))
        prepared.remove()
        #expect(!files.fileExists(atPath: temporary))
    }

    @Test func missingArtifactsNameWhatExistsAndHowToBuild() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "present")
        do {
            _ = try ArtifactLocator.prepare(function: "absent", extensions: [], zip: false, lambdaDirectory: lambda)
            Issue.record("found an artifact that does not exist")
        } catch {
            #expect("\(error)" == "no bootstrap for 'absent' at \(lambda)/absent/bootstrap (this lambda directory has: present); build it with `swift-lambda build --product absent`, or pass --lambda-dir or --package-path")
        }
        // No zip was written for it.
        #expect(throws: InvokeError.artifactMissing(function: "present", path: "\(lambda)/present/bootstrap.zip", available: [], zip: true)) {
            try ArtifactLocator.prepare(function: "present", extensions: [], zip: true, lambdaDirectory: lambda)
        }
        #expect(throws: InvokeError.extensionMissing(name: "agent", path: "\(lambda)/extensions/agent", zip: false)) {
            try ArtifactLocator.prepare(function: "present", extensions: ["agent"], zip: false, lambdaDirectory: lambda)
        }
    }

    @Test func aBootstrapWithoutExecutePermissionIsRefusedAsLambdaWould() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: "\(lambda)/fn/bootstrap")
        #expect(throws: InvokeError.notExecutable(path: "\(lambda)/fn/bootstrap", permissions: 0o644, fromZip: false)) {
            try ArtifactLocator.prepare(function: "fn", extensions: [], zip: false, lambdaDirectory: lambda)
        }
        #expect("\(InvokeError.notExecutable(path: "/x/bootstrap", permissions: 0o644, fromZip: true))"
            == "/x/bootstrap is not executable (mode 644 in the zip); Lambda would fail with Runtime.InvalidEntrypoint. Rebuild it with swift-lambda build")
    }

    /// A name found as another kind of artifact says the flag that runs it, never a build
    /// command that would write the same thing again (issue 14, item 5).
    @Test func anArtifactOfAnotherKindSaysWhichFlagRunsIt() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn", extensions: ["logger"])
        #expect(throws: InvokeError.builtAsExtension(name: "logger", path: "\(lambda)/extensions/logger", functions: ["fn"])) {
            try ArtifactLocator.prepare(function: "logger", extensions: [], zip: false, lambdaDirectory: lambda)
        }
        #expect("\(InvokeError.builtAsExtension(name: "myfn", path: "target/lambda/extensions/myfn", functions: []))"
            == "'myfn' was built as an extension (target/lambda/extensions/myfn); run it beside a function: pass the function's name and --extension myfn; this lambda directory has no function yet: build one with `swift-lambda build --product FUNCTION`")
        #expect(throws: InvokeError.builtAsFunction(name: "fn", path: "\(lambda)/fn/bootstrap")) {
            try ArtifactLocator.prepare(function: "fn", extensions: ["fn"], zip: false, lambdaDirectory: lambda)
        }
        // An extension built alone, zip only, is found too.
        try FileManager.default.removeItem(atPath: "\(lambda)/extensions/logger")
        try Data().write(to: URL(fileURLWithPath: "\(lambda)/extensions/logger.zip"))
        #expect(throws: InvokeError.builtAsExtension(name: "logger", path: "\(lambda)/extensions/logger.zip", functions: ["fn"])) {
            try ArtifactLocator.prepare(function: "logger", extensions: [], zip: false, lambdaDirectory: lambda)
        }
    }

    /// `build --flatten fn` writes `<dir>/bootstrap`: `--flattened` runs it from there.
    @Test func aFlattenedBuildRunsWithFlattened() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fn")
        try FileManager.default.moveItem(atPath: "\(lambda)/fn/bootstrap", toPath: "\(lambda)/bootstrap")
        try FileManager.default.removeItem(atPath: "\(lambda)/fn")
        let error = InvokeError.builtFlattened(function: "fn", path: "\(lambda)/bootstrap", zip: false)
        #expect(throws: error) {
            try ArtifactLocator.prepare(function: "fn", extensions: [], zip: false, lambdaDirectory: lambda)
        }
        #expect("\(error)" == "no 'fn' in \(lambda), which holds a flattened build (\(lambda)/bootstrap, from swift-lambda build --flatten); if that is fn, pass --flattened to run it")
        let prepared = try ArtifactLocator.prepare(function: "fn", extensions: [], zip: false, lambdaDirectory: lambda, flattened: true)
        #expect(prepared.taskRoot == lambda)
        #expect(prepared.bootstrap == "\(lambda)/bootstrap")

        let empty = try RuntimeFixtures.lambdaDirectory(function: "other")
        #expect(throws: InvokeError.flattenedMissing(function: "fn", path: "\(empty)/bootstrap.zip", zip: true)) {
            try ArtifactLocator.prepare(function: "fn", extensions: [], zip: true, lambdaDirectory: empty, flattened: true)
        }
        #expect("\(InvokeError.flattenedMissing(function: "fn", path: "/l/bootstrap", zip: false))"
            == "no flattened bootstrap at /l/bootstrap; build it with `swift-lambda build --flatten fn`, or drop --flattened to run fn/bootstrap")
    }
}
