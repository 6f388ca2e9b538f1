import Foundation
public import LambdaBuild
public import LambdaConfig
import LambdaEmulator
public import LambdaInvoke
import LambdaSupport

/// What `swift-lambda watch` was asked for.
public struct WatchInput: Sendable {
    public var packagePath: String?
    /// `--product`: only these functions (default: every one of the package or workspace).
    public var products: [String]
    public var release: Bool
    /// `--env KEY=VALUE`, as given.
    public var environment: [String]
    public var environmentFile: String?
    public var concurrency: Int
    /// `--timeout`; nil takes each function's configured `timeout`, else Lambda's 3 s.
    public var timeout: Duration?
    /// `--extension`: run beside every environment.
    public var extensions: [String]
    public var reload: Bool
    public var address: String
    public var port: Int
    public var verbose: Bool
    /// The build's other flags (`--lambda-dir`, `--swift-sdk`, ...), as a layer.
    public var flags: Layer
    /// `--image`: build images (`--output-format image`) and run each one from its own files.
    public var image: Bool = false

    public init(
        packagePath: String? = nil, products: [String] = [], release: Bool = false, environment: [String] = [],
        environmentFile: String? = nil, concurrency: Int = 1, timeout: Duration? = nil, extensions: [String] = [],
        reload: Bool = true, address: String = "127.0.0.1", port: Int = 9000, verbose: Bool = false, flags: Layer = Layer()
    ) {
        self.packagePath = packagePath
        self.products = products
        self.release = release
        self.environment = environment
        self.environmentFile = environmentFile
        self.concurrency = concurrency
        self.timeout = timeout
        self.extensions = extensions
        self.reload = reload
        self.address = address
        self.port = port
        self.verbose = verbose
        self.flags = flags
    }
}

/// `swift-lambda watch`: builds every function through the build workflow (the binary layout,
/// debug unless `--release`), serves them all on one port (`WatchRouter` over one
/// `FunctionPool` per function), and on each change of the package's inputs rebuilds
/// incrementally and swaps the warm environments for the new binaries; a failed rebuild
/// leaves the last good build serving. Runs until cancelled (Ctrl-C), then stops every process.
public struct WatchWorkflow: Sendable {
    public var input: WatchInput
    public var build: BuildContext
    public var invoke: InvokeContext
    /// Told the gateway's address once it listens (tests pass port 0 and read it here).
    public var onListening: (@Sendable (String) -> Void)?

    public init(input: WatchInput, build: BuildContext, invoke: InvokeContext, onListening: (@Sendable (String) -> Void)? = nil) {
        self.input = input
        self.build = build
        self.invoke = invoke
        self.onListening = onListening
    }

    public func run() async throws {
        let console = invoke.console
        let clock = ContinuousClock()
        var report: BuildReport
        let start = clock.now
        do {
            report = try await BuildWorkflow(input: buildInput(quiet: false), context: build).run()
        } catch {
            if Task.isCancelled { throw InvokeError.interrupted }
            throw WatchError.firstBuildFailed("\(error)")
        }
        console.log("built in \((clock.now - start).secondsText) s")
        let project = try await Project.locate(
            packagePath: input.packagePath, configPath: nil, workspace: false, flags: buildFlags, context: build)
        var settings = try poolSettings(report, project: project)
        var pools: [String: FunctionPool] = [:]
        for (name, value) in settings { pools[name] = FunctionPool(settings: value, context: invoke) }
        let router = WatchRouter(pools: pools)
        let gateway = try await GatewayServer.start(
            host: input.address, port: input.port, maximumBody: EmulatorConfiguration.maximumPayloadBytes
        ) { request, responder in
            await router.handle(request, responder)
        }
        console.log("watch: \(pools.count) function\(pools.count == 1 ? "" : "s") on http://\(gateway.endpoint) (Ctrl-C stops)")
        for name in pools.keys.sorted() {
            console.log("  \(name): POST http://\(gateway.endpoint)/2015-03-31/functions/\(name)/invocations, http://\(gateway.endpoint)\(WatchRouter.urlPrefix)\(name)/")
        }
        onListening?(gateway.endpoint)
        do {
            if input.reload {
                let filter = ChangeFilter.load(roots: [project.root]).ignoring(project.lambdaDirectory)
                    .including(files: environmentFiles(Array(settings.keys), project: project))
                let roots = [project.root] + filter.directoriesOutsideRoots
                console.log("watching \(build.displayPath(project.root)) for changes")
                // A save is one burst of writes a few milliseconds apart: 50 ms of quiet ends it (a
                // checkout writing without pause is cut at 2 s); what arrives during a rebuild
                // makes one more rebuild after it.
                let changes = ChangeWatcher.changes(roots: roots, filter: filter, quiet: Self.quiet, status: { status in
                    if case .fellBackToPolling(let reason) = status { console.log("watch: polling for changes (\(reason))") }
                })
                for try await batch in MergedChanges(changes) {
                    // An editor's or sed's temporary file, created and gone, is not worth naming.
                    let present = batch.paths.filter { FileManager.default.fileExists(atPath: $0) }
                    let paths = present.isEmpty ? batch.paths : present
                    let shown = paths.prefix(3).map { build.displayPath($0) }.joined(separator: ", ")
                    console.log("changed: \(shown)\(paths.count > 3 ? " and \(paths.count - 3) more" : ""); rebuilding")
                    for pool in pools.values { await pool.pause() }
                    let began = clock.now
                    do {
                        report = try await BuildWorkflow(input: buildInput(quiet: true), context: build).run()
                        let rebuilt = try poolSettings(report, project: try await Project.locate(
                            packagePath: input.packagePath, configPath: nil, workspace: false, flags: buildFlags, context: build),
                            keeping: settings)
                        let swap = clock.now
                        var kept: [String] = []
                        for (name, pool) in pools {
                            // A function whose files, extensions and settings are as they were keeps its warm environments.
                            if let new = rebuilt[name], let old = settings[name], !new.signature.isEmpty, new.signature == old.signature {
                                kept.append(name)
                                await pool.resume()
                            } else {
                                await pool.resume(replacingWith: rebuilt[name] ?? settings[name])
                            }
                        }
                        settings = rebuilt
                        let warm = kept.isEmpty ? "" : " (unchanged, kept warm: \(kept.sorted().joined(separator: ", ")))"
                        console.log("rebuilt in \((swap - began).secondsText) s, swapped in \((clock.now - swap).millisecondsText)\(warm)")
                        for name in Set(rebuilt.keys).subtracting(pools.keys).sorted() {
                            console.log("warning: \(name) is new; restart watch to serve it")
                        }
                    } catch where Task.isCancelled {
                        throw CancellationError()
                    } catch {
                        for pool in pools.values { await pool.resume() }
                        console.log("rebuild failed: \(Self.reason(error)); still serving the last good build, fix and save to rebuild")
                    }
                }
            } else {
                try await Task.sleep(for: .seconds(Int64.max / 2))
            }
        } catch {
            await stop(gateway, pools)
            // Ctrl-C: every environment was shut down; exit 130 as invoke and serve do.
            throw Task.isCancelled || error is CancellationError ? InvokeError.interrupted : error
        }
        // The change stream ends when the task is cancelled: that is Ctrl-C too.
        await stop(gateway, pools)
        if Task.isCancelled { throw InvokeError.interrupted }
    }

    /// How long the files stay unchanged before a burst of changes is rebuilt.
    static let quiet = Duration.milliseconds(50)

    /// Why a rebuild failed, in a few words: the compiler's own errors are printed above it.
    static func reason(_ error: any Error) -> String {
        if case BuildError.compilerFailed(let failure) = error { return "swift build exited with status \(failure.exitStatus), errors above" }
        return "\(error)"
    }

    private func stop(_ gateway: GatewayServer, _ pools: [String: FunctionPool]) async {
        await gateway.stop()
        for pool in pools.values { await pool.stop() }
        invoke.console.log("stopped")
    }

    /// The build's own flags: the binary layout, debug unless `--release`.
    var buildFlags: Layer {
        var layer = input.flags
        let here = build.currentDirectory
        layer.set(.release, .bool(input.release), from: Origin(.flag(input.release ? "--release" : "watch (debug)"), baseDirectory: here))
        layer.set(
            .outputFormat, .string(input.image ? "image" : "binary"),
            from: Origin(.flag(input.image ? "watch --image" : "watch (binary layout)"), baseDirectory: here))
        return layer
    }

    func buildInput(quiet: Bool) -> BuildInput {
        let products = input.products.isEmpty ? [] : input.products + input.extensions.filter { !input.products.contains($0) }
        return BuildInput(packagePath: input.packagePath, products: products, verbose: input.verbose, quiet: quiet, flags: buildFlags)
    }

    /// The files the functions' variables are read from (`--env-file`, `env-file` settings):
    /// inputs too, wherever they are, hidden or ignored (`.env`).
    func environmentFiles(_ functions: [String], project: Project) -> [String] {
        let configured = functions.compactMap { project.configuration(for: $0).value(of: .envFile, for: $0)?.value.string }
        let flagged = input.environmentFile.map { [$0] } ?? []
        return (flagged + configured).map { FileSystem.absolute($0, relativeTo: build.currentDirectory) }
    }

    /// Each function the build wrote, with its artifacts, variables and timeout.
    /// The pools' settings after a build. A function whose `signature` is that of its settings in
    /// `keeping` keeps those (an image is then not unpacked again).
    func poolSettings(_ report: BuildReport, project: Project, keeping previous: [String: PoolSettings] = [:]) throws
        -> [String: PoolSettings]
    {
        let functions = report.artifacts.filter { $0.kind == .function }.map(\.product)
        let extensions = report.artifacts.filter { $0.kind != .function }.map(\.product)
        guard !functions.isEmpty else { throw WatchError.nothingToServe(package: build.displayPath(project.root)) }
        for name in input.extensions where !extensions.contains(name) {
            throw WatchError.unknown(kind: "extension", name: name, known: extensions.sorted())
        }
        let flagged = try LambdaEnvironment.parse(input.environment)
        let file = try input.environmentFile.map(EnvironmentFile.load) ?? [:]
        var result: [String: PoolSettings] = [:]
        for name in functions {
            let configuration = project.configuration(for: name)
            let configured = try configuration.environment(for: name) ?? [:]
            let overrides = configured.merging(file) { $1 }.merging(flagged) { $1 }
            let seconds = configuration.value(of: .timeout, for: name)?.value.integer
            let timeout = input.timeout ?? .seconds(seconds ?? 3)
            let signature = Self.signature(
                function: name, extensions: input.extensions, lambdaDirectory: project.lambdaDirectory, image: input.image,
                overrides: overrides, timeout: timeout)
            if let old = previous[name], old.signature == signature {
                result[name] = old
                continue
            }
            let artifacts = try ArtifactLocator.prepare(
                function: name, extensions: input.extensions, zip: false, lambdaDirectory: project.lambdaDirectory, image: input.image)
            result[name] = PoolSettings(
                name: name, artifacts: artifacts, overrides: overrides, timeout: timeout, concurrency: input.concurrency,
                signature: signature)
        }
        return result
    }

    /// What a function's environments run, as a hash: its written files (the function's
    /// directory, or its `image.tar`) and its extensions' by stamp, which a build that found them
    /// up to date leaves as they were, and its variables and timeout. A rebuild that changes none
    /// of these keeps the function's warm environments.
    static func signature(
        function: String, extensions: [String], lambdaDirectory: String, image: Bool, overrides: [String: String],
        timeout: Duration
    ) -> String {
        let hasher = SHA256Hasher()
        hasher.update("watch v1 \(function) image \(image) timeout \(timeout)\n")
        TreeStamps.add(image ? "\(lambdaDirectory)/\(function)/image.tar" : "\(lambdaDirectory)/\(function)", into: hasher)
        for name in extensions { TreeStamps.add("\(lambdaDirectory)/extensions/\(name)", into: hasher) }
        for key in overrides.keys.sorted() { hasher.update("env \(key)=\(overrides[key] ?? "")\n") }
        return ContentKey.hex(hasher.finalize())
    }
}

extension ChangeFilter {
    /// Also ignores `directory` (where the build writes), when it lies below a root: one more
    /// rule after the root's own `.gitignore` rules, which still apply.
    func ignoring(_ directory: String) -> ChangeFilter {
        for root in roots where directory.hasPrefix(root + "/") {
            let own = ignores.first { $0.directory == root }?.rules.rules ?? []
            let rule = GitIgnore(parsing: "/" + directory.dropFirst(root.count + 1) + "/").rules
            return adding(GitIgnore(rules: own + rule), in: root)
        }
        return self
    }
}
