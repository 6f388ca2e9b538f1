import Archiver
import BuildPlanner
import OCIImage
import Foundation
public import LambdaConfig
import LambdaSupport

/// A function (and its extensions) ready to start: where `/var/task` and `/opt` are on this
/// machine. With `--zip` both are temporary directories holding the unpacked zips, removed by
/// `remove()`; otherwise they are the build's own directories, which are never modified.
public struct PreparedArtifacts: Sendable {
    public var function: String
    /// `/var/task`: the function's directory, or its unpacked `bootstrap.zip`.
    public var taskRoot: String
    public var bootstrap: String { "\(taskRoot)/bootstrap" }
    /// `/opt`: the layer root (`<lambda-dir>`, whose `extensions/` `build --extension` writes),
    /// or the unpacked layer zips.
    public var optRoot: String
    public var extensions: [(name: String, executable: String)]
    /// The temporary directory holding unpacked zips, if any.
    public var temporaryDirectory: String?
    /// How the function starts: its bootstrap, or an image's entrypoint.
    public var launch: FunctionLaunch = .direct

    public init(
        function: String, taskRoot: String, optRoot: String, extensions: [(name: String, executable: String)] = [],
        temporaryDirectory: String? = nil
    ) {
        self.function = function
        self.taskRoot = taskRoot
        self.optRoot = optRoot
        self.extensions = extensions
        self.temporaryDirectory = temporaryDirectory
    }

    /// Removes the unpacked zips. Call it once every process started from them has ended.
    public func remove() {
        if let temporaryDirectory { try? FileManager.default.removeItem(atPath: temporaryDirectory) }
    }
}

/// Finds the artifacts `swift-lambda build` wrote and makes them runnable.
public enum ArtifactLocator {
    /// `LambdaDirectory.locate`'s path: wherever `build` put the artifacts.
    public static func lambdaDirectory(
        packagePath: String?, lambdaDirectory: String?, currentDirectory: String, environment: [String: String] = [:]
    ) throws -> String {
        try locateLambdaDirectory(
            packagePath: packagePath, lambdaDirectory: lambdaDirectory, currentDirectory: currentDirectory, environment: environment
        ).path
    }

    /// `LambdaDirectory.locate` (LambdaConfig), which `deploy` shares, with the configuration's warnings.
    public static func locateLambdaDirectory(
        packagePath: String?, lambdaDirectory: String?, currentDirectory: String, environment: [String: String] = [:]
    ) throws -> (path: String, warnings: [ConfigWarning]) {
        try LambdaDirectory.locate(
            packagePath: packagePath, lambdaDirectory: lambdaDirectory, currentDirectory: currentDirectory, environment: environment)
    }

    /// Checks that `<lambda-dir>/<function>/bootstrap` (or `bootstrap.zip`; with `flattened`,
    /// `<lambda-dir>/bootstrap`, what `build --flatten` writes) and every
    /// `<lambda-dir>/extensions/<name>` (or `<name>.zip`) exist, and with `zip` unpacks them
    /// into a new temporary directory, as Lambda unpacks into /var/task and /opt. A name found
    /// as another kind of artifact than asked for is an error that says which flag runs it.
    public static func prepare(
        function: String, extensions: [String], zip: Bool, lambdaDirectory: String, flattened: Bool = false, image: Bool = false
    ) throws -> PreparedArtifacts {
        let functionDirectory = flattened ? lambdaDirectory : "\(lambdaDirectory)/\(function)"
        if image {
            return try prepareImage(
                function: function, source: "\(functionDirectory)/image.tar", extensions: extensions, lambdaDirectory: lambdaDirectory)
        }
        let source = zip ? "\(functionDirectory)/bootstrap.zip" : "\(functionDirectory)/bootstrap"
        guard FileSystem.kind(of: source, followingSymlinks: true) == .file else {
            throw missingFunction(function, path: source, zip: zip, flattened: flattened, in: lambdaDirectory)
        }
        for name in extensions {
            let path = zip ? "\(lambdaDirectory)/extensions/\(name).zip" : "\(lambdaDirectory)/extensions/\(name)"
            guard FileSystem.kind(of: path, followingSymlinks: true) == .file else {
                if let built = BuiltArtifact.find(name, in: lambdaDirectory), case .function(let at) = built {
                    throw InvokeError.builtAsFunction(name: name, path: at)
                }
                throw InvokeError.extensionMissing(name: name, path: path, zip: zip)
            }
        }
        guard zip else {
            let prepared = PreparedArtifacts(
                function: function, taskRoot: functionDirectory, optRoot: lambdaDirectory,
                extensions: extensions.map { ($0, "\(lambdaDirectory)/extensions/\($0)") })
            try checkExecutable(prepared.bootstrap, fromZip: false)
            for (_, executable) in prepared.extensions { try checkExecutable(executable, fromZip: false) }
            return prepared
        }

        let temporary = try makeTemporaryDirectory()
        let prepared = PreparedArtifacts(
            function: function, taskRoot: "\(temporary)/task", optRoot: "\(temporary)/opt",
            extensions: extensions.map { ($0, "\(temporary)/opt/extensions/\($0)") }, temporaryDirectory: temporary)
        do {
            try ZipReader.extract(source, into: prepared.taskRoot)
            try FileManager.default.createDirectory(atPath: prepared.optRoot, withIntermediateDirectories: true)
            for name in extensions {
                try ZipReader.extract("\(lambdaDirectory)/extensions/\(name).zip", into: prepared.optRoot)
            }
            guard FileSystem.kind(of: prepared.bootstrap, followingSymlinks: true) == .file else {
                throw InvokeError.artifactMissing(function: function, path: "bootstrap in \(source)", available: [], zip: true)
            }
            try checkExecutable(prepared.bootstrap, fromZip: true)
            for (name, executable) in prepared.extensions {
                guard FileSystem.kind(of: executable, followingSymlinks: true) == .file else {
                    throw InvokeError.extensionMissing(
                        name: name, path: "extensions/\(name) in \(lambdaDirectory)/extensions/\(name).zip (an internal extension runs inside the function; leave it out)", zip: true)
                }
                try checkExecutable(executable, fromZip: true)
            }
        } catch {
            prepared.remove()
            throw error
        }
        return prepared
    }

    /// `--image`: `image.tar` unpacked into a new temporary directory (its layers in order, none
    /// allowed to write outside it), its entrypoint started through its own loader
    /// (`ImageLaunch`). Extensions still run from the lambda directory, as `/opt`.
    static func prepareImage(
        function: String, source: String, extensions: [String], lambdaDirectory: String
    ) throws -> PreparedArtifacts {
        guard FileSystem.kind(of: source, followingSymlinks: true) == .file else {
            throw InvokeError.imageMissing(function: function, path: source)
        }
        for name in extensions where FileSystem.kind(of: "\(lambdaDirectory)/extensions/\(name)", followingSymlinks: true) != .file {
            throw InvokeError.extensionMissing(name: name, path: "\(lambdaDirectory)/extensions/\(name)", zip: false)
        }
        let temporary = try makeTemporaryDirectory()
        do {
            let read = try OCIArchiveReader.read(archive: source, unpackingInto: "\(temporary)/layout")
            try ImageUnpacker.unpack(read, into: "\(temporary)/root")
            try? FileSystem.removeItem("\(temporary)/layout")
            guard let host = HostPlatform.current.architecture else {
                throw InvokeError.imageArchitecture(image: read.configuration.architecture.rawValue, host: "not a Lambda architecture")
            }
            let launch = try ImageLaunch.prepare(root: "\(temporary)/root", configuration: read.configuration, host: host)
            var prepared = PreparedArtifacts(
                function: function, taskRoot: launch.workingDirectory, optRoot: lambdaDirectory,
                extensions: extensions.map { ($0, "\(lambdaDirectory)/extensions/\($0)") }, temporaryDirectory: temporary)
            prepared.launch = .image(launch)
            return prepared
        } catch {
            try? FileSystem.removeItem(temporary)
            throw error
        }
    }

    /// Lambda runs only files with execute permission (`Runtime.InvalidEntrypoint` otherwise),
    /// and as a user who does not own the files of a zip: there, others need read and execute.
    /// A local artifact needs only what starting it here takes.
    private static func checkExecutable(_ path: String, fromZip: Bool) throws {
        let permissions = (try? FileSystem.permissions(of: path)) ?? 0
        let needed: UInt32 = fromZip ? 0o005 : 0o100
        guard permissions & needed == needed else {
            throw InvokeError.notExecutable(path: path, permissions: permissions, fromZip: fromZip)
        }
    }

    /// Why `function` cannot run from `path`: built as another kind (the flag that runs it), or
    /// not built at all (how to build it).
    static func missingFunction(
        _ function: String, path: String, zip: Bool, flattened: Bool, in lambdaDirectory: String
    ) -> InvokeError {
        if flattened { return .flattenedMissing(function: function, path: path, zip: zip) }
        switch BuiltArtifact.find(function, in: lambdaDirectory) {
        case .extension(let at):
            return .builtAsExtension(name: function, path: at, functions: available(in: lambdaDirectory, zip: zip))
        case .flattened(let at):
            return .builtFlattened(function: function, path: at, zip: zip)
        case .function, nil:
            return .artifactMissing(function: function, path: path, available: available(in: lambdaDirectory, zip: zip), zip: zip)
        }
    }

    /// The functions in `directory` that have what `invoke` needs, for the "not found" message.
    static func available(in directory: String, zip: Bool) -> [String] {
        let names = (try? FileSystem.contentsOfDirectory(directory)) ?? []
        return names.filter { name in
            name != "extensions" && !name.hasPrefix(".")
                && FileSystem.kind(of: "\(directory)/\(name)/\(zip ? "bootstrap.zip" : "bootstrap")", followingSymlinks: true) == .file
        }.sorted()
    }

    private static func makeTemporaryDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/swift-lambda-invoke-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw InvokeError.cannotStart(what: "the unpacked zip", reason: "cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }
}

/// What `build` wrote under a name in a lambda directory, whatever `invoke` was asked for: a
/// function (`<dir>/NAME/bootstrap`), an extension (`<dir>/extensions/NAME`), or, when neither,
/// a flattened build (`<dir>/bootstrap`, whose product's name is not recorded). The zip form
/// of each counts as well.
enum BuiltArtifact: Equatable {
    case function(String)
    case `extension`(String)
    case flattened(String)

    static func find(_ name: String, in directory: String) -> BuiltArtifact? {
        func existing(_ path: String, or zip: String) -> String? {
            [path, zip].first { FileSystem.kind(of: $0, followingSymlinks: true) == .file }
        }
        if let path = existing("\(directory)/\(name)/bootstrap", or: "\(directory)/\(name)/bootstrap.zip") { return .function(path) }
        if let path = existing("\(directory)/extensions/\(name)", or: "\(directory)/extensions/\(name).zip") { return .extension(path) }
        if let path = existing("\(directory)/bootstrap", or: "\(directory)/bootstrap.zip") { return .flattened(path) }
        return nil
    }
}
