import LambdaConfig
import LambdaSupport
import Testing

@Suite struct SuggestionTests {
    @Test func editDistanceCountsATranspositionAsOneEdit() {
        #expect(Suggestion.editDistance("biuld", "build") == 1)
        #expect(Suggestion.editDistance("relese", "release") == 1)
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("same", "same") == 0)
    }

    @Test func nearestOnlyWhenCloseEnoughToBeTheIntent() {
        let keys = Setting.allCases.map(\.rawValue)
        #expect(Suggestion.nearest(to: "relese", among: keys) == "release")
        #expect(Suggestion.nearest(to: "output_format", among: keys) == "output-format")
        #expect(Suggestion.nearest(to: "deploy", among: ["build", "functions", "workspace"]) == nil)
        #expect(Suggestion.nearest(to: "SWIFT_LAMBDA_RELESE", among: Setting.allCases.map(\.environmentVariable)) == "SWIFT_LAMBDA_RELEASE")
    }

    @Test func aMistypedSubcommandIsNamedWithTheNearestOne() {
        let known = ["build", "invoke", "serve", "new", "init", "help"]
        #expect(throws: CommandLineError.unknownSubcommand("biuld", suggestion: "build", known: known)) {
            try CommandLineError.checkSubcommand(["biuld", "--release"], known: known)
        }
        #expect("\(CommandLineError.unknownSubcommand("biuld", suggestion: "build", known: known))"
            == "unknown subcommand 'biuld'; did you mean 'build'?")
        #expect("\(CommandLineError.unknownSubcommand("deploy", suggestion: nil, known: ["build", "invoke"]))"
            == "unknown subcommand 'deploy'; use one of: build, invoke")
        // Options and known subcommands are ArgumentParser's to parse.
        #expect(throws: Never.self) { try CommandLineError.checkSubcommand(["--version"], known: known) }
        #expect(throws: Never.self) { try CommandLineError.checkSubcommand(["build", "biuld"], known: known) }
        #expect(throws: Never.self) { try CommandLineError.checkSubcommand([], known: known) }
    }

    @Test func anUnknownKeyNamesTheNearestKnownOne() {
        let error = ConfigError.unknownKey(path: "/p/c.toml", key: "build.relase", line: 3, known: Setting.allCases.map(\.rawValue).sorted())
        #expect("\(error)" == "/p/c.toml:3: unknown key 'build.relase'; did you mean 'release'?")
        let far = ConfigError.unknownKey(path: "/p/c.toml", key: "deploy", line: 1, known: ["build", "functions", "workspace"])
        #expect("\(far)" == "/p/c.toml:1: unknown key 'deploy'; known keys there: build, functions, workspace")
    }
}
