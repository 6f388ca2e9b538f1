import ArgumentParser
import Foundation
import LambdaConfig

/// Where images are pushed: `build --push` after writing them, `deploy --image` before giving
/// Lambda their pinned references. One group, so both commands spell and check them alike.
struct PushOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Push each image to REGISTRY[/NAMESPACE]/<name>:<tag> (default: none, or push from swift-lambda.toml).", valueName: "registry[/namespace]"))
    var push: String?

    @Option(help: ArgumentHelp("The tag of every image (default: latest).", valueName: "tag"))
    var imageTag: String?

    @Flag(
        inversion: .prefixedNo, exclusivity: .exclusive,
        help: "Allow plain HTTP to a registry that is not localhost or 127.0.0.1 (default: off).")
    var insecureRegistry: Bool?

    /// The flags given, as settings of the flags layer (`push`, `image-tag`, `insecure-registry`).
    func set(into layer: inout Layer) {
        let here = FileManager.default.currentDirectoryPath
        let values: [(Setting, SettingValue?)] = [
            (.push, push.map(SettingValue.string)), (.imageTag, imageTag.map(SettingValue.string)),
            (.insecureRegistry, insecureRegistry.map(SettingValue.bool)),
        ]
        for case (let setting, let value?) in values {
            // An inverted flag given as --no-NAME says so in --print-config.
            let flag = value == .bool(false) ? "--no-\(setting.rawValue)" : setting.flag
            layer.set(setting, value, from: Origin(.flag(flag), baseDirectory: here))
        }
    }
}
