import BuildPlanner
import Testing

@testable import LambdaBuild

/// Which functions a changed path affects: the decision `--affected-since` makes per file.
@Suite struct AffectedFunctionsTests {
    let orders = ListedFunction(
        name: "orders", kind: .function, package: "/r/services/orders",
        targets: [
            ListedTarget(name: "Orders", package: "/r/services/orders", path: "/r/services/orders/Sources/Orders"),
            ListedTarget(name: "Shared", package: "/r/services/orders", path: "/r/services/orders/Sources/Shared"),
        ],
        artifact: "/r/target/lambda/orders/bootstrap",
        files: ["/r/services/orders/Package.swift", "/r/services/orders/Package.resolved", "/r/swift-lambda.toml"])
    let users = ListedFunction(
        name: "users", kind: .function, package: "/r/services/users",
        targets: [
            ListedTarget(name: "Users", package: "/r/services/users", path: "/r/services/users/Sources/Users"),
            ListedTarget(name: "CommonKit", package: "/r/libs/common", path: "/r/libs/common/Sources/CommonKit"),
        ],
        artifact: "/r/target/lambda/users/bootstrap.zip",
        files: ["/r/services/users/Package.swift", "/r/libs/common/Package.swift", "/r/swift-lambda.toml"],
        includes: ["/r/assets", "/r/terms.txt"])

    func affected(_ path: String) -> [String] { AffectedFunctions.affected([orders, users], by: [path]) }

    @Test func aTargetsFilesAffectTheFunctionsBuiltFromIt() {
        #expect(affected("/r/services/orders/Sources/Orders/main.swift") == ["orders"])
        #expect(affected("/r/services/orders/Sources/Shared/Resources/a.json") == ["orders"])
        #expect(affected("/r/libs/common/Sources/CommonKit/a.swift") == ["users"])
        // A sibling whose name starts the same is another directory.
        #expect(affected("/r/services/orders/Sources/OrdersTests/a.swift") == [])
    }

    @Test func manifestsConfigurationAndIncludes() {
        #expect(affected("/r/services/orders/Package.swift") == ["orders"])
        #expect(affected("/r/services/orders/Package.resolved") == ["orders"])
        #expect(affected("/r/services/orders/Package@swift-6.0.swift") == ["orders"])
        #expect(affected("/r/libs/common/Package@swift-5.9.swift") == ["users"])
        #expect(affected("/r/libs/common/Package.swift") == ["users"])
        #expect(affected("/r/swift-lambda.toml") == ["orders", "users"])
        #expect(affected("/r/assets/logo.png") == ["users"])
        #expect(affected("/r/terms.txt") == ["users"])
    }

    @Test func pathsOutsideEveryInputAffectNothing() {
        #expect(affected("/r/docs/README.md") == [])
        #expect(affected("/r/services/orders/README.md") == [])
        #expect(affected("/r/services/orders/Sources/Package.swift") == [])
        #expect(AffectedFunctions.affected([orders, users], by: []) == [])
        #expect(AffectedFunctions.affected([orders, users], by: ["/r/docs/a", "/r/services/users/Sources/Users/x.swift"]) == ["users"])
    }
}
