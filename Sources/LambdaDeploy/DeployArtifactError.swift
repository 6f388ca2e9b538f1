/// Why the artifacts to deploy could not be found or made ready. Each `description` is the one
/// line the user sees: what is wrong, then what to do.
public enum DeployArtifactError: Error, Sendable, Equatable {
    /// The lambda directory does not exist: nothing was built there.
    case noLambdaDirectory(path: String)
    /// The directory holds no function or extension that `build` wrote.
    case nothingBuilt(path: String)
    case unknownName(String, available: [String], suggestion: String?)
    /// Asked for one kind, found only as the other.
    case wrongKind(name: String, asked: DeployableArtifact.Kind, found: DeployableArtifact.Kind)
    /// A function and an extension share the name; the kind must be said.
    case ambiguousName(String)
    /// A flattened build without a zip: its parts lie in the shared lambda directory among
    /// others', so which belong to it is not known.
    case flattenedWithoutZip(name: String, executable: String)
    /// An extension built without a zip, in a layer root holding bundles or libraries that may
    /// be its own.
    case extensionPartsUnknown(name: String, candidates: [String])
    case executableMissing(name: String, path: String)
    case architectureUnreadable(path: String, reason: String)
    case unsupportedArchitecture(path: String, machine: String)
    case tooLarge(name: String, bytes: Int64, limit: Int64)
    case zipUnreadable(path: String, reason: String)
    /// An image deploy of a function built without `--output-format image`.
    case noImage(name: String, path: String)
    /// An image deploy of an extension: it is a layer, never an image.
    case extensionAsImage(name: String)
}

extension DeployArtifactError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noLambdaDirectory(let path):
            return
                "there is no lambda directory at \(path); run `swift-lambda build` first, or point --lambda-dir at where it wrote the artifacts"
        case .nothingBuilt(let path):
            return
                "\(path) holds no function (NAME/bootstrap.zip or NAME/bootstrap) and no extension (extensions/NAME.zip or extensions/NAME); run `swift-lambda build` first"
        case .unknownName(let name, let available, let suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            let list = available.isEmpty ? "nothing was built there" : "it has: \(available.joined(separator: ", "))"
            return "no function or extension named '\(name)' in the lambda directory\(hint); \(list)"
        case .wrongKind(let name, let asked, let found):
            return
                "'\(name)' was built as \(found.article), not as \(asked.article); ask for it as \(found.article), or build it with\(asked == .extension ? "" : "out") --extension"
        case .ambiguousName(let name):
            return "'\(name)' is both a function and an extension in the lambda directory; say which kind to deploy"
        case .flattenedWithoutZip(let name, let executable):
            return
                "'\(name)' was built flattened (\(executable)) without a zip, so which files of the lambda directory are its own is not known; build it with --output-format zip, or without --flatten"
        case .extensionPartsUnknown(let name, let candidates):
            return
                "the extension '\(name)' was built without a zip, and the layer directory also holds \(candidates.joined(separator: ", ")), which may be its own; build it with --output-format zip so the layer is exactly what was built"
        case .executableMissing(let name, let path):
            return "the executable of '\(name)' is missing (expected at \(path)); build it again"
        case .architectureUnreadable(let path, let reason):
            return "cannot read the architecture of \(path): \(reason); build it again"
        case .unsupportedArchitecture(let path, let machine):
            return
                "\(path) is built for \(machine), which Lambda does not run; build for x86_64 or arm64 (--x86-64 or --arm64)"
        case .tooLarge(let name, let bytes, let limit):
            return
                "'\(name)' is \(bytes) bytes unzipped, over Lambda's \(limit)-byte limit for a function; ship less (strip with --release, drop includes or bundled libraries)"
        case .zipUnreadable(let path, let reason):
            return "cannot read \(path): \(reason); build again"
        case .noImage(let name, let path):
            return
                "'\(name)' was built without an image (no \(path)); build it with --output-format image, or deploy it without --image"
        case .extensionAsImage(let name):
            return
                "'\(name)' is an extension, which Lambda deploys as a layer and never as an image; deploy it without --image (image functions take no layers)"
        }
    }
}

extension DeployableArtifact.Kind {
    var article: String {
        switch self {
        case .function: "a function"
        case .extension: "an extension"
        }
    }
}
