public import BuildPlanner
import ELFKit
import Foundation
import LambdaChecks
import LambdaSupport
public import OCIImage

/// How a function's process is started: its bootstrap directly (a directory or an unpacked zip),
/// an unpacked image's entrypoint through the image's own loader, or the image in a container engine.
public enum FunctionLaunch: Sendable, Equatable {
    case direct
    case image(ImageLaunch)
    /// `--container-cli`: the image loaded into that engine, run on the host's network; the
    /// engine itself runs with swift-lambda's own variables (its configuration: CONTAINERS_CONF,
    /// DOCKER_HOST), as injected by the context.
    case container(cli: String, image: String, environment: [String: String])
}

/// An image unpacked into a directory and started with no container engine: the entrypoint is
/// run by the image's own dynamic loader (its `PT_INTERP`, found inside the image) with only the
/// image's library directories, so only the image's libraries are loaded; the host's
/// `/etc/ld.so.cache` is not read (`--inhibit-cache`).
///
/// Run through its loader, a process's `/proc/self/exe` is the loader, and Foundation's
/// `Bundle.main` (and so SwiftPM's `Bundle.module`, which looks for resource bundles beside the
/// executable) is the loader's directory. So the loader is linked (or copied) beside the
/// entrypoint, as `.swift-lambda-loader`, in the unpacked copy only: resource bundles are found
/// where Lambda finds them.
public struct ImageLaunch: Sendable, Equatable {
    /// The unpacked image.
    public var root: String
    /// The entrypoint's first element on this machine (under `root`).
    public var entrypoint: String
    /// The rest of the entrypoint and the image's `Cmd`.
    public var arguments: [String]
    /// The loader beside the entrypoint; nil for a static entrypoint, which is started as it is.
    public var loader: String?
    /// The image's library directories on this machine: its `LD_LIBRARY_PATH`, then the loader's
    /// default directories, each that exists inside the image.
    public var libraryPath: [String]
    /// The image's `WorkingDir` on this machine.
    public var workingDirectory: String
    /// The image's `Env`, which Lambda's own variables then override.
    public var environment: [String: String]

    /// The file name the loader gets beside the entrypoint.
    public static let loaderName = ".swift-lambda-loader"

    /// The program and arguments that start the entrypoint.
    public var command: (executable: String, arguments: [String]) {
        guard let loader else { return (entrypoint, arguments) }
        return (loader, ["--inhibit-cache", "--library-path", libraryPath.joined(separator: ":"), entrypoint] + arguments)
    }

    /// Reads the unpacked image at `root` with its `configuration`, finds the entrypoint and its
    /// loader inside it, and places the loader beside the entrypoint.
    public static func prepare(root: String, configuration: ImageConfiguration, host: Architecture) throws -> ImageLaunch {
        let command = (configuration.config.entrypoint ?? []) + (configuration.config.cmd ?? [])
        guard let first = command.first else { throw InvokeError.imageUnusable(reason: "its config has no Entrypoint or Cmd") }
        let inside = first.hasPrefix("/") ? first : (configuration.config.workingDir ?? "/") + "/" + first
        guard let entrypoint = RootedPaths.hostPath(of: inside, inside: root), FileSystem.kind(of: entrypoint) == .file else {
            throw InvokeError.imageUnusable(reason: "its entrypoint \(inside) is not in the image")
        }
        let executable: ELFFile
        do {
            executable = try ELFFile(contentsOf: entrypoint)
        } catch {
            throw InvokeError.imageUnusable(reason: "its entrypoint \(inside) is not an ELF executable (\(error))")
        }
        let architecture = configuration.architecture == .amd64 ? Architecture.x86_64 : .aarch64
        guard architecture == host, ELFMachine(host) == executable.header.machine else {
            throw InvokeError.imageArchitecture(image: configuration.architecture.rawValue, host: host.lambdaName)
        }
        var environment: [String: String] = [:]
        for pair in configuration.config.env ?? [] {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            environment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let workingDirectory = RootedPaths.hostPath(of: configuration.config.workingDir ?? "/", inside: root) ?? root
        var launch = ImageLaunch(
            root: root, entrypoint: entrypoint, arguments: Array(command.dropFirst()), loader: nil, libraryPath: [],
            workingDirectory: workingDirectory, environment: environment)
        guard let interpreter = executable.interpreter else { return launch }
        guard let loader = RootedPaths.hostPath(of: interpreter, inside: root), FileSystem.kind(of: loader) == .file else {
            throw InvokeError.imageUnusable(reason: "the loader \(interpreter) its entrypoint names is not in the image")
        }
        let listed = (environment["LD_LIBRARY_PATH"] ?? "").split(separator: ":").map(String.init)
        var directories: [String] = []
        for directory in listed + ImageReadiness.loaderDirectories(for: architecture) {
            guard let found = RootedPaths.hostPath(of: directory, inside: root), FileSystem.isDirectory(found),
                !directories.contains(found)
            else { continue }
            directories.append(found)
        }
        launch.libraryPath = directories
        let beside = FileSystem.parent(of: entrypoint) + "/" + loaderName
        if link(loader, beside) != 0 { try FileSystem.copyFile(from: loader, to: beside, mode: 0o755) }
        launch.loader = beside
        return launch
    }
}

extension PreparedArtifacts {
    /// The function's process: what runs, with which arguments, variables and directory.
    /// `variables` are Lambda's (`LambdaEnvironment`); an image's own `Env` is under them, and in
    /// a container the paths that name this machine's directories are left to the image.
    func command(variables: [String: String]) -> (
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String
    ) {
        switch launch {
        case .direct:
            return (bootstrap, [], variables, taskRoot)
        case .image(let image):
            let (executable, arguments) = image.command
            return (executable, arguments, image.environment.merging(variables) { $1 }, image.workingDirectory)
        case .container(let cli, let reference, let environment):
            let hostPaths: Set<String> = ["LAMBDA_TASK_ROOT", "LD_LIBRARY_PATH", "PATH", "HOME"]
            let passed = variables.filter { !hostPaths.contains($0.key) }.sorted { $0.key < $1.key }
            let arguments = ["run", "--rm", "--network", "host"] + passed.flatMap { ["--env", "\($0.key)=\($0.value)"] } + [reference]
            return (cli, arguments, environment, taskRoot)
        }
    }
}
