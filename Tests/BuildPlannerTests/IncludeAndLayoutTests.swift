import BuildPlanner
import Testing

@Suite struct IncludeSpecTests {
    @Test func destinationDefaultsToTheLastComponent() throws {
        #expect(try IncludeSpec.parse("config/app.json") == IncludeSpec(destination: "app.json", source: "config/app.json"))
        #expect(try IncludeSpec.parse("assets/") == IncludeSpec(destination: "assets", source: "assets/"))
    }

    @Test func explicitDestinationIsNormalised() throws {
        #expect(try IncludeSpec.parse("etc/./conf/:x.json") == IncludeSpec(destination: "etc/conf", source: "x.json"))
    }

    @Test func dotSourcesTakeTheirNameFromTheAbsolutePath() throws {
        let spec = try IncludeSpec.parse(".") { _ in "/home/me/project/config" }
        #expect(spec == IncludeSpec(destination: "config", source: "."))
    }

    @Test func badDestinationsAreErrorsNamingTheArgument() {
        #expect(throws: IncludeError.absoluteDestination("/etc/x:file")) { try IncludeSpec.parse("/etc/x:file") }
        #expect(throws: IncludeError.climbingDestination("../up:file")) { try IncludeSpec.parse("../up:file") }
        #expect(throws: IncludeError.climbingDestination("a/../../b:file")) { try IncludeSpec.parse("a/../../b:file") }
        #expect(throws: IncludeError.emptyDestination(":file")) { try IncludeSpec.parse(":file") }
        #expect(throws: IncludeError.emptySource("dest:")) { try IncludeSpec.parse("dest:") }
        #expect(throws: IncludeError.emptyDestination("..")) { try IncludeSpec.parse("..") { _ in "/" } }
        #expect(IncludeError.climbingDestination("../x:y").description.contains("climbs out"))
    }
}

@Suite struct ZipLayoutTests {
    func artifact(_ options: PlanOptions) throws -> PlannedArtifact {
        try #require(try plan(options).artifacts.first { $0.product == "quotes" })
    }

    @Test func functionZipSitsBesideBootstrap() throws {
        let quotes = try artifact(PlanOptions(products: ["quotes"], lambdaDirectory: "/l", outputFormat: .zip))
        #expect(quotes.zip == PlannedZip(path: "/l/quotes/bootstrap.zip", layout: ArtifactLayout(executable: "bootstrap")))
        #expect(quotes.layout.bundlePath(quotes.bundles[0]) == "Examples_QuoteBook.resources")
    }

    @Test func binaryFormatPlansNoZip() throws {
        #expect(try artifact(PlanOptions(lambdaDirectory: "/l")).zip == nil)
    }

    @Test func flattenedFunctionZipSitsInTheLambdaDirectory() throws {
        let quotes = try artifact(PlanOptions(flatten: "quotes", lambdaDirectory: "/l", outputFormat: .zip))
        #expect(quotes.zip?.path == "/l/bootstrap.zip")
        #expect(quotes.root == "/l")
        #expect(!quotes.ownsRoot)
    }

    @Test func extensionZipIsALayerWithExtensionsDirectory() throws {
        let quotes = try artifact(PlanOptions(lambdaDirectory: "/l", kind: .extension(internal: false), outputFormat: .zip))
        #expect(quotes.executable == "/l/extensions/quotes")
        #expect(quotes.zip == PlannedZip(
            path: "/l/extensions/quotes.zip",
            layout: ArtifactLayout(executable: "extensions/quotes", directories: ["extensions"])))
        #expect(quotes.zip?.layout.bundlePath(quotes.bundles[0]) == "extensions/Examples_QuoteBook.resources")
    }

    @Test func internalExtensionZipHoldsTheBinaryAtItsRoot() throws {
        let quotes = try artifact(PlanOptions(lambdaDirectory: "/l", kind: .extension(internal: true), outputFormat: .zip))
        #expect(quotes.executable == "/l/extensions/quotes")
        #expect(quotes.zip == PlannedZip(path: "/l/extensions/quotes.zip", layout: ArtifactLayout(executable: "quotes")))
    }

    @Test func flattenedExtensionGoesToTheLambdaDirectory() throws {
        let quotes = try artifact(
            PlanOptions(flatten: "quotes", lambdaDirectory: "/l", kind: .extension(internal: false), outputFormat: .zip))
        #expect(quotes.executable == "/l/quotes")
        #expect(quotes.zip?.path == "/l/quotes.zip")
        #expect(quotes.zip?.layout.executable == "extensions/quotes")
    }

    @Test func includesReachEveryArtifact() throws {
        let include = IncludeSpec(destination: "conf", source: "conf")
        let result = try plan(PlanOptions(lambdaDirectory: "/l", includes: [include]))
        #expect(result.artifacts.allSatisfy { $0.includes == [include] })
    }
}
