import Testing

@testable import LambdaWatch

@Suite struct GitIgnoreTests {
    @Test func commentsAndBlankLinesHoldNoRule() {
        #expect(GitIgnore(parsing: "# a comment\n\n   \nbuild\n").rules.count == 1)
        #expect(GitIgnore(parsing: "\\#file").isIgnored("#file", isDirectory: false))
    }

    @Test func unanchoredPatternMatchesAtAnyDepth() {
        let rules = GitIgnore(parsing: "*.log\n")
        #expect(rules.isIgnored("a.log", isDirectory: false))
        #expect(rules.isIgnored("deep/down/a.log", isDirectory: false))
        #expect(!rules.isIgnored("a.logx", isDirectory: false))
    }

    @Test func leadingOrMiddleSlashAnchors() {
        let leading = GitIgnore(parsing: "/out\n")
        #expect(leading.isIgnored("out", isDirectory: true))
        #expect(!leading.isIgnored("sub/out", isDirectory: true))
        let middle = GitIgnore(parsing: "doc/gen\n")
        #expect(middle.isIgnored("doc/gen", isDirectory: false))
        #expect(!middle.isIgnored("x/doc/gen", isDirectory: false))
    }

    @Test func trailingSlashMatchesDirectoriesOnly() {
        let rules = GitIgnore(parsing: "cache/\n")
        #expect(rules.isIgnored("cache", isDirectory: true))
        #expect(rules.isIgnored("a/cache", isDirectory: true))
        #expect(!rules.isIgnored("cache", isDirectory: false))
    }

    @Test func negationLastMatchWins() {
        let rules = GitIgnore(parsing: "*.txt\n!keep.txt\n")
        #expect(rules.isIgnored("a.txt", isDirectory: false))
        #expect(!rules.isIgnored("keep.txt", isDirectory: false))
        #expect(rules.decision(for: "keep.txt", isDirectory: false) == false)
        let reversed = GitIgnore(parsing: "!keep.txt\n*.txt\n")
        #expect(reversed.isIgnored("keep.txt", isDirectory: false))
        #expect(GitIgnore(parsing: "*.txt\n").decision(for: "a.swift", isDirectory: false) == nil)
    }

    @Test func globs() {
        #expect(GitIgnore(parsing: "file?.swift").isIgnored("file1.swift", isDirectory: false))
        #expect(!GitIgnore(parsing: "file?.swift").isIgnored("file12.swift", isDirectory: false))
        #expect(GitIgnore(parsing: "[abc].tmp").isIgnored("b.tmp", isDirectory: false))
        #expect(!GitIgnore(parsing: "[abc].tmp").isIgnored("d.tmp", isDirectory: false))
        #expect(GitIgnore(parsing: "[a-c].tmp").isIgnored("c.tmp", isDirectory: false))
        #expect(!GitIgnore(parsing: "[!a].tmp").isIgnored("a.tmp", isDirectory: false))
        #expect(!GitIgnore(parsing: "a/*.o").isIgnored("a/b/c.o", isDirectory: false))
        #expect(GitIgnore(parsing: "a/**/c.o").isIgnored("a/c.o", isDirectory: false))
        #expect(GitIgnore(parsing: "a/**/c.o").isIgnored("a/b/d/c.o", isDirectory: false))
        #expect(GitIgnore(parsing: "**/gen").isIgnored("x/y/gen", isDirectory: true))
        #expect(GitIgnore(parsing: "gen/**").isIgnored("gen/a/b", isDirectory: false))
        #expect(!GitIgnore(parsing: "gen/**").isIgnored("gen", isDirectory: true))
    }
}
