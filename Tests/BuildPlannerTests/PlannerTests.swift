import BuildPlanner
import Foundation
import Testing

/// A package shaped like the Examples: two explicit products, one implicit
/// (an executableTarget without a product), a library with resources used
/// by one product only, and a library without.
let examplePackage = PackageDescription(
    name: "examples",
    displayName: "Examples",
    path: "/pkg",
    products: [
        .init(name: "echo", targets: ["Echo"], kind: "executable"),
        .init(name: "quotes", targets: ["Quotes"], kind: "executable"),
        .init(name: "Tool", targets: ["Tool"], kind: "executable"),
        .init(name: "Shared", targets: ["Shared"], kind: "library"),
    ],
    targets: [
        .init(name: "Echo", type: "executable", targetDependencies: ["Runtime"]),
        .init(name: "Quotes", type: "executable", hasResources: true, targetDependencies: ["QuoteBook", "Runtime"]),
        .init(name: "QuoteBook", hasResources: true, targetDependencies: ["Shared"]),
        .init(name: "Shared", hasResources: true),
        .init(name: "Runtime"),
        .init(name: "Tool", type: "executable"),
    ]
)

let bin = "/pkg/.build/x86_64-unknown-linux-gnu/release"

func plan(_ options: PlanOptions, package: PackageDescription = examplePackage) throws -> BuildPlan {
    try Planner.plan(package: package, options: options, binPath: bin)
}

@Suite struct SelectionTests {
    @Test func everyExecutableProductByDefaultInOneBuild() throws {
        let result = try plan(PlanOptions(lambdaDirectory: "/pkg/target/lambda"))
        #expect(result.builds == [PlannedBuild(product: nil)])
        #expect(result.artifacts.map(\.product) == ["Tool", "echo", "quotes"])
    }

    @Test func selectedProductsBuildOneRunEach() throws {
        let result = try plan(PlanOptions(products: ["quotes", "echo", "quotes"], lambdaDirectory: "/l"))
        #expect(result.builds == [PlannedBuild(product: "quotes"), PlannedBuild(product: "echo")])
        #expect(result.artifacts.map(\.product) == ["echo", "quotes"])
    }

    @Test func selectingEveryProductExplicitlyIsStillOneBuild() throws {
        let result = try plan(PlanOptions(products: ["echo", "quotes", "Tool"], lambdaDirectory: "/l"))
        #expect(result.builds == [PlannedBuild(product: nil)])
    }

    @Test func unknownProductListsTheAvailableOnes() {
        #expect(throws: PlanError.unknownProduct("nope", available: ["Tool", "echo", "quotes"])) {
            try plan(PlanOptions(products: ["nope"], lambdaDirectory: "/l"))
        }
    }

    @Test func libraryProductIsNotSelectable() {
        #expect(throws: PlanError.unknownProduct("Shared", available: ["Tool", "echo", "quotes"])) {
            try plan(PlanOptions(products: ["Shared"], lambdaDirectory: "/l"))
        }
    }

    @Test func packageWithoutExecutablesIsAnError() {
        let library = PackageDescription(
            name: "lib", path: "/lib", products: [.init(name: "L", targets: ["L"], kind: "library")],
            targets: [.init(name: "L")])
        #expect(throws: PlanError.noExecutableProducts(package: "lib")) {
            try plan(PlanOptions(lambdaDirectory: "/l"), package: library)
        }
    }

    @Test func errorsSayWhatToDo() {
        let text = PlanError.unknownProduct("nope", available: ["a", "b"]).description
        #expect(text == "no executable product named 'nope'; this package has: a, b")
        #expect(PlanError.noExecutableProducts(package: "p").description.contains("add an .executableTarget"))
        #expect(PlanError.flattenNotSelected("q", selected: ["e"]).description.contains("add --product q"))
    }
}

@Suite struct LayoutTests {
    @Test func functionGoesToItsOwnDirectoryAsBootstrap() throws {
        let artifacts = try plan(PlanOptions(lambdaDirectory: "/pkg/target/lambda")).artifacts
        let echo = try #require(artifacts.first { $0.product == "echo" })
        #expect(echo.sourceBinary == "\(bin)/echo")
        #expect(echo.executable == "/pkg/target/lambda/echo/bootstrap")
        #expect(echo.root == "/pkg/target/lambda/echo")
        #expect(echo.ownsRoot)
        #expect(echo.kind == .function)
        #expect(echo.stripsSymbols == false)
        #expect(echo.targets == ["Echo", "Runtime"])
    }

    @Test func disabledOptimizationsKeepSymbols() throws {
        let result = try plan(PlanOptions(configuration: .release, lambdaDirectory: "/l", optimizations: false))
        #expect(result.artifacts.map(\.stripsSymbols) == [false, false, false])
    }

    @Test func releaseStripsTheBootstrap() throws {
        let result = try plan(PlanOptions(configuration: .release, lambdaDirectory: "/l"))
        #expect(result.artifacts.map(\.stripsSymbols) == [true, true, true])
        #expect(result.configuration == .release)
    }

    @Test func flattenPutsOneProductInTheLambdaDirectory() throws {
        let result = try plan(PlanOptions(flatten: "quotes", lambdaDirectory: "/l"))
        let quotes = try #require(result.artifacts.first { $0.product == "quotes" })
        #expect(quotes.executable == "/l/bootstrap")
        #expect(!quotes.ownsRoot)
        #expect(quotes.bundles.map { "\(quotes.root)/\(quotes.layout.bundlePath($0))" } == [
            "/l/Examples_QuoteBook.resources", "/l/Examples_Quotes.resources", "/l/Examples_Shared.resources",
        ])
        let echo = try #require(result.artifacts.first { $0.product == "echo" })
        #expect(echo.executable == "/l/echo/bootstrap")
    }

    @Test func flattenOfUnknownProductListsProducts() {
        #expect(throws: PlanError.unknownFlatten("zzz", available: ["Tool", "echo", "quotes"])) {
            try plan(PlanOptions(flatten: "zzz", lambdaDirectory: "/l"))
        }
    }

    @Test func flattenOfUnselectedProductIsAnError() {
        #expect(throws: PlanError.flattenNotSelected("quotes", selected: ["echo"])) {
            try plan(PlanOptions(products: ["echo"], flatten: "quotes", lambdaDirectory: "/l"))
        }
    }

    @Test func extensionsGoToTheExtensionsDirectory() throws {
        let result = try plan(PlanOptions(products: ["echo"], lambdaDirectory: "/l", kind: .extension(internal: false)))
        #expect(result.artifacts[0].executable == "/l/extensions/echo")
        #expect(!result.artifacts[0].ownsRoot)
    }
}

@Suite struct BundleTests {
    @Test func bundlesOfTheProductsTargetsAndTheirDependenciesOnly() throws {
        let result = try plan(PlanOptions(lambdaDirectory: "/l"))
        let quotes = try #require(result.artifacts.first { $0.product == "quotes" })
        #expect(quotes.bundles == [
            PlannedBundle(name: "Examples_QuoteBook.resources", source: "\(bin)/Examples_QuoteBook.resources"),
            PlannedBundle(name: "Examples_Quotes.resources", source: "\(bin)/Examples_Quotes.resources"),
            PlannedBundle(name: "Examples_Shared.resources", source: "\(bin)/Examples_Shared.resources"),
        ])
        #expect(quotes.layout.bundlePath(quotes.bundles[0]) == "Examples_QuoteBook.resources")
        // No product gets another product's bundles.
        #expect(result.artifacts.first { $0.product == "echo" }?.bundles == [])
        #expect(result.artifacts.first { $0.product == "Tool" }?.bundles == [])
    }

    @Test func targetClosureFollowsEachDependencyOnce() {
        let product = examplePackage.products[1]
        #expect(examplePackage.targetClosure(of: product).map(\.name) == ["Quotes", "QuoteBook", "Runtime", "Shared"])
    }
}

@Suite struct DescribeDecodingTests {
    @Test func decodesSwiftPMsDescriptionIncludingImplicitProducts() throws {
        let url = try #require(Bundle.module.url(forResource: "describe-demo", withExtension: "json", subdirectory: "Fixtures"))
        let package = try PackageDescription.decode(fromDescribeOutput: Array(try Data(contentsOf: url)))
        #expect(package.displayName == "Demo")
        #expect(package.executableProducts.map(\.name) == ["a-prod", "B"])
        let product = try #require(package.products.first)
        #expect(package.targetClosure(of: product).map(\.name) == ["A", "Lib"])
        #expect(package.target(named: "Lib")?.hasResources == true)
        let result = try Planner.plan(package: package, options: PlanOptions(lambdaDirectory: "/t"), binPath: "/b")
        #expect(result.artifacts.first { $0.product == "a-prod" }?.bundles.map(\.name) == ["Demo_Lib.resources"])
        #expect(result.artifacts.first { $0.product == "B" }?.bundles == [])
    }

    @Test func skipsNotesPrintedBeforeTheJSON() throws {
        let output = Array("warning: something\nnote: more\n{\"name\":\"x\",\"path\":\"/x\",\"products\":[],\"targets\":[]}".utf8)
        let package = try PackageDescription.decode(fromDescribeOutput: output)
        #expect(package.name == "x")
    }
}
