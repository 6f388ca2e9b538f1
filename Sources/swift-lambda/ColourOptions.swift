public import ArgumentParser
import LambdaSupport

extension ColourMode: ExpressibleByArgument {}

/// `--color`, shared by build, invoke and serve; `ColourMode` decides.
struct ColourOptions: ParsableArguments {
    @Option(
        name: .customLong("color"),
        help: ArgumentHelp(
            "auto, always or never: colour error: and warning: (default: auto, on a terminal unless NO_COLOR is set).",
            valueName: "when"))
    var mode: ColourMode = .auto
}
