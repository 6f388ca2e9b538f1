import LambdaSupport

/// One artifact `build` wrote into the lambda directory, as found there: what it is and where
/// its bytes are. Listing reads names and file kinds only; `DeployZip.prepare` makes the zip.
public struct DeployableArtifact: Sendable, Equatable {
    /// A function becomes a Lambda function; an extension becomes a layer.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case function
        case `extension`
    }

    /// Where the bytes to upload come from.
    public enum Source: Sendable, Equatable {
        /// The zip `build --output-format zip` wrote, uploaded as it is; `executable` is the
        /// copy beside it (every zip build also writes its directory), read for the architecture.
        case zip(path: String, executable: String)
        /// A function directory (`<dir>/<name>/`, holding `bootstrap`) built without a zip:
        /// zipped the way `build` zips it.
        case directory(String)
        /// An extension built without a zip (`<dir>/extensions/<name>`): zipped as `build` zips
        /// an extension layer.
        case executable(String)
        /// A flattened build without a zip (`<dir>/bootstrap`, or `<dir>/<name>` for an
        /// extension): listed so it is not mistaken for a missing name, refused when prepared.
        case flattenedWithoutZip(executable: String)
    }

    public var name: String
    public var kind: Kind
    public var source: Source

    public init(name: String, kind: Kind, source: Source) {
        self.name = name
        self.kind = kind
        self.source = source
    }

    /// The executable whose ELF header decides the architecture.
    public var executable: String {
        switch source {
        case .zip(_, let executable), .flattenedWithoutZip(let executable), .executable(let executable): executable
        case .directory(let root): "\(root)/bootstrap"
        }
    }
}

/// Finding and choosing what `build` wrote, the way `invoke` finds it.
public enum DeployArtifacts {
    /// Every function and extension in `lambdaDirectory`, sorted by kind (functions first) then
    /// name: `<dir>/<name>/bootstrap.zip` (or the directory holding `bootstrap` when built
    /// without a zip), `<dir>/extensions/<name>.zip` (or the executable `<dir>/extensions/<name>`),
    /// and, when `flattened` names the product `build --flatten` wrote (the configuration's
    /// `flatten` setting: the name is recorded nowhere else), `<dir>/bootstrap.zip` or the
    /// extension `<dir>/<name>.zip`. Skipped: items other runs are staging (`.<name>.swift-lambda-*`),
    /// hidden names, resource bundles, `lib/` and includes of the shared root, and directories
    /// without a `bootstrap`. A flattened product with the name of a function directory wins:
    /// it is what the configuration builds now.
    public static func list(in lambdaDirectory: String, flattened: String? = nil) throws -> [DeployableArtifact] {
        guard FileSystem.kind(of: lambdaDirectory, followingSymlinks: true) == .directory else {
            throw DeployArtifactError.noLambdaDirectory(path: lambdaDirectory)
        }
        func isFile(_ path: String) -> Bool { FileSystem.kind(of: path, followingSymlinks: true) == .file }
        func names(in directory: String) -> [String] {
            ((try? FileSystem.contentsOfDirectory(directory)) ?? []).filter {
                !$0.hasPrefix(".") && !Staging.isStaged($0)
            }
        }

        var found: [DeployableArtifact] = []
        for name in names(in: lambdaDirectory) where name != extensionsDirectory && name != flattened {
            let root = "\(lambdaDirectory)/\(name)"
            if isFile("\(root)/bootstrap.zip") {
                found.append(
                    .init(
                        name: name, kind: .function,
                        source: .zip(path: "\(root)/bootstrap.zip", executable: "\(root)/bootstrap")))
            } else if FileSystem.kind(of: root, followingSymlinks: true) == .directory, isFile("\(root)/bootstrap") {
                found.append(.init(name: name, kind: .function, source: .directory(root)))
            }
        }
        let extensions = "\(lambdaDirectory)/\(extensionsDirectory)"
        let extensionNames = names(in: extensions)
        for name in extensionNames where isFile("\(extensions)/\(name)") && name != flattened {
            if name.hasSuffix(".zip"), extensionNames.contains(String(name.dropLast(4))) { continue }
            let zip = name.hasSuffix(".zip") ? "\(extensions)/\(name)" : "\(extensions)/\(name).zip"
            let product = name.hasSuffix(".zip") ? String(name.dropLast(4)) : name
            found.append(
                isFile(zip)
                    ? .init(
                        name: product, kind: .extension, source: .zip(path: zip, executable: "\(extensions)/\(product)")
                    )
                    : .init(name: product, kind: .extension, source: .executable("\(extensions)/\(product)")))
        }
        if let flattened {
            found += flattenedArtifact(flattened, in: lambdaDirectory, isFile: isFile).map { [$0] } ?? []
        }
        return found.sorted { ($0.kind == .function ? 0 : 1, $0.name) < ($1.kind == .function ? 0 : 1, $1.name) }
    }

    /// What `build --flatten <name>` left at the lambda directory's root, if anything.
    private static func flattenedArtifact(
        _ name: String, in directory: String, isFile: (String) -> Bool
    ) -> DeployableArtifact? {
        if isFile("\(directory)/bootstrap.zip") {
            return .init(
                name: name, kind: .function,
                source: .zip(path: "\(directory)/bootstrap.zip", executable: "\(directory)/bootstrap"))
        }
        if isFile("\(directory)/\(name).zip") {
            return .init(
                name: name, kind: .extension,
                source: .zip(path: "\(directory)/\(name).zip", executable: "\(directory)/\(name)"))
        }
        if isFile("\(directory)/bootstrap") {
            return .init(
                name: name, kind: .function, source: .flattenedWithoutZip(executable: "\(directory)/bootstrap"))
        }
        if isFile("\(directory)/\(name)") {
            return .init(name: name, kind: .extension, source: .flattenedWithoutZip(executable: "\(directory)/\(name)"))
        }
        return nil
    }

    /// The artifacts named, in the order given without repeats, or all of `kind` (every one
    /// when nil) when `names` is empty. A name that is both a function and an extension needs
    /// `kind`: they are different things on Lambda (a function, a layer), and guessing would
    /// deploy the wrong one. An unknown name lists what exists, with the nearest name.
    public static func select(
        _ names: [String], from artifacts: [DeployableArtifact], kind: DeployableArtifact.Kind? = nil
    ) throws -> [DeployableArtifact] {
        let wanted = artifacts.filter { kind == nil || $0.kind == kind }
        guard !names.isEmpty else { return wanted }
        var seen: Set<String> = []
        return try names.compactMap { name in
            guard seen.insert(name).inserted else { return nil }
            let matches = wanted.filter { $0.name == name }
            if matches.count > 1 { throw DeployArtifactError.ambiguousName(name) }
            if let match = matches.first { return match }
            if let kind, let other = artifacts.first(where: { $0.name == name }) {
                throw DeployArtifactError.wrongKind(name: name, asked: kind, found: other.kind)
            }
            let available = Array(Set(wanted.map(\.name))).sorted()
            throw DeployArtifactError.unknownName(
                name, available: available, suggestion: Suggestion.nearest(to: name, among: available))
        }
    }

    /// `list`, then `select`: what `deploy NAME...` uploads. A lambda directory with nothing
    /// built in it is an error rather than a deploy of nothing.
    public static func find(
        _ names: [String], kind: DeployableArtifact.Kind? = nil, in lambdaDirectory: String, flattened: String? = nil
    ) throws -> [DeployableArtifact] {
        let artifacts = try list(in: lambdaDirectory, flattened: flattened)
        guard !artifacts.isEmpty else { throw DeployArtifactError.nothingBuilt(path: lambdaDirectory) }
        return try select(names, from: artifacts, kind: kind)
    }

    /// `extensions`, the directory of a layer that Lambda runs extensions from.
    static let extensionsDirectory = "extensions"
}
