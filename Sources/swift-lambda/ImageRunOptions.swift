import ArgumentParser

/// `invoke` and `serve`: run the image `build --output-format image` wrote, without an engine or in one.
struct ImageRunOptions: ParsableArguments {
    @Flag(
        name: .customLong("image"),
        help: "Run image.tar: its layers unpacked into a temporary root, its entrypoint started by its own loader with only its libraries.")
    var image = false

    @Option(help: ArgumentHelp("With --image: run it in this engine instead, podman or docker (--network host).", valueName: "cli"))
    var containerCLI: String?

    func validate() throws {
        if let containerCLI, !["podman", "docker"].contains(containerCLI) {
            throw ValidationError("--container-cli \(containerCLI) is not an engine --image can load an OCI archive into; give podman or docker")
        }
    }
}
