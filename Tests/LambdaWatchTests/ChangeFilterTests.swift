import Testing

@testable import LambdaWatch

@Suite struct ChangeFilterTests {
    let filter = ChangeFilter(
        roots: ["/ws", "/ws/Members/a/"],
        ignores: ["/ws": GitIgnore(parsing: "Generated/\n*.secret\n!keep.secret\n"), "/ws/Sources/Sub": GitIgnore(parsing: "local.swift\n")])

    @Test func sourcesResourcesAndManifestsCount() {
        #expect(filter.isRelevant("/ws/Sources/App/main.swift", isDirectory: false))
        #expect(filter.isRelevant("/ws/Sources/App/Resources/data.json", isDirectory: false))
        #expect(filter.isRelevant("/ws/Sources", isDirectory: true))
        for name in ["Package.swift", "Package@swift-6.0.swift", "Package.resolved", "swift-lambda.toml"] {
            #expect(filter.isRelevant("/ws/\(name)", isDirectory: false), "\(name)")
            #expect(filter.isRelevant("/ws/Members/a/\(name)", isDirectory: false), "member \(name)")
        }
        #expect(!filter.isRelevant("/ws/README.md", isDirectory: false))
        #expect(!filter.isRelevant("/elsewhere/Sources/a.swift", isDirectory: false))
    }

    @Test func buildOutputHiddenAndTargetDoNotCount() {
        #expect(!filter.isRelevant("/ws/.build/debug/a.o", isDirectory: false))
        #expect(!filter.isRelevant("/ws/.build-linux", isDirectory: true))
        #expect(!filter.isRelevant("/ws/Members/a/.build/x", isDirectory: false))
        #expect(!filter.isRelevant("/ws/target/lambda/a.zip", isDirectory: false))
        #expect(!filter.isRelevant("/ws/Members/a/target", isDirectory: true))
        #expect(filter.isRelevant("/ws/Sources/target/a.swift", isDirectory: false))
        #expect(!filter.isRelevant("/ws/Sources/.hidden/a.swift", isDirectory: false))
        #expect(!filter.isRelevant("/ws/Sources/.a.swift", isDirectory: false))
    }

    @Test func editorTemporariesDoNotCount() {
        for name in ["a.swift~", ".a.swift.swp", "a.swift.swp", "a.swx", "4913"] {
            #expect(!filter.isRelevant("/ws/Sources/\(name)", isDirectory: false), "\(name)")
        }
    }

    @Test func gitIgnoreAppliesWithNegationDirectoriesAndNesting() {
        #expect(!filter.isRelevant("/ws/Sources/Generated/a.swift", isDirectory: false))
        #expect(filter.isRelevant("/ws/Sources/Generated", isDirectory: false))
        #expect(!filter.isRelevant("/ws/Sources/x.secret", isDirectory: false))
        #expect(filter.isRelevant("/ws/Sources/keep.secret", isDirectory: false))
        #expect(!filter.isRelevant("/ws/Sources/Sub/local.swift", isDirectory: false))
        #expect(filter.isRelevant("/ws/Sources/local.swift", isDirectory: false))
        #expect(!filter.isRelevant("/ws/Members/a/Sources/b.secret", isDirectory: false))
    }

    /// `--env-file .env` (hidden, usually ignored) or a file outside the package: still an input.
    @Test func namedFilesCountWhereverTheyAre() {
        let named = filter.including(files: ["/ws/.env", "/ws/.config/dev.env", "/home/me/lambda.env"])
        #expect(!filter.isRelevant("/ws/.env", isDirectory: false))
        #expect(named.isRelevant("/ws/.env", isDirectory: false))
        #expect(named.isRelevant("/ws/.config", isDirectory: true))
        #expect(named.isRelevant("/ws/.config/dev.env", isDirectory: false))
        #expect(!named.isRelevant("/ws/.config/other", isDirectory: false))
        #expect(named.isRelevant("/home/me/lambda.env", isDirectory: false))
        #expect(!named.isRelevant("/home/me/notes.txt", isDirectory: false))
        #expect(named.directoriesOutsideRoots == ["/home/me"])
        #expect(named.adding(GitIgnore(parsing: "*.env\n"), in: "/ws").isRelevant("/ws/.config/dev.env", isDirectory: false))
        #expect(named != filter)
    }

    /// `watch` ignores the lambda directory on top of the root's `.gitignore`, never instead of it.
    @Test func ignoringTheLambdaDirectoryKeepsTheRootGitIgnore() {
        let ignoring = filter.ignoring("/ws/target/lambda").ignoring("/ws/out/lambda")
        #expect(!ignoring.isRelevant("/ws/out/lambda/a/bootstrap", isDirectory: false))
        #expect(!ignoring.isRelevant("/ws/Sources/Generated/a.swift", isDirectory: false))
        #expect(!ignoring.isRelevant("/ws/Sources/x.secret", isDirectory: false))
        #expect(ignoring.isRelevant("/ws/Sources/keep.secret", isDirectory: false))
        #expect(!ignoring.isRelevant("/ws/Sources/Sub/local.swift", isDirectory: false))
        #expect(ignoring.isRelevant("/ws/out/a.swift", isDirectory: false))
        let plain = ChangeFilter(roots: ["/p"]).ignoring("/p/out/lambda")
        #expect(plain.ignores.map(\.directory) == ["/p"])
    }
}
