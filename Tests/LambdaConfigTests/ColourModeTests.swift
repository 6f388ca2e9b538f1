import LambdaSupport
import Testing

/// `--color auto|always|never` over `NO_COLOR` and the terminal: one decision for every command.
@Suite struct ColourModeTests {
    @Test func aFlagOverridesNoColorAndAutoFollowsTheTerminal() {
        let plain: [String: String] = [:]
        let noColor = ["NO_COLOR": "1"]
        #expect(ColourMode.always.usesColour(environment: noColor, isTerminal: false))
        #expect(!ColourMode.never.usesColour(environment: plain, isTerminal: true))
        #expect(ColourMode.auto.usesColour(environment: plain, isTerminal: true))
        #expect(!ColourMode.auto.usesColour(environment: plain, isTerminal: false))
        #expect(!ColourMode.auto.usesColour(environment: noColor, isTerminal: true))
        #expect(ColourMode.auto.usesColour(environment: ["NO_COLOR": ""], isTerminal: true))
        #expect(!ColourMode.auto.usesColour(environment: ["TERM": "dumb"], isTerminal: true))
        #expect(ColourMode.styled("error: x", colour: true) == "\u{1B}[1;31merror:\u{1B}[0m x")
        #expect(ColourMode.styled("warning: x", colour: false) == "warning: x")
        #expect(ColourMode.styled("Building", colour: true) == "Building")
    }
}
