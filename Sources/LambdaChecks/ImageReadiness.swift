public import BuildPlanner
public import ELFKit

/// Lambda's limit for a container image (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
/// "Container image code package size": 10 GB, the uncompressed image with all its layers).
public enum ImageLimits {
    public static let uncompressedBytes: Int64 = 10 * 1024 * 1024 * 1024
}

/// Everything the image checks need to know about one image.
public struct ImageFacts: Sendable {
    /// Where the executable lies in the image (for `$ORIGIN`), and its ELF data.
    public var executablePath: String
    public var executable: ELFFile
    /// The image's paths: files, directories and links (`ImageClosure.entries`, with or without the executable).
    public var entries: [ImageEntry]
    /// The ELF data of every other object in the image, by its real path there.
    public var objects: [String: ELFFile]
    /// The image's `LD_LIBRARY_PATH`, split.
    public var libraryPath: [String]
    /// The directories the image's loader searches on its own (it has no cache).
    public var defaultDirectories: [String]
    /// Every byte of the image, uncompressed.
    public var uncompressedBytes: Int64

    public init(
        executablePath: String, executable: ELFFile, entries: [ImageEntry], objects: [String: ELFFile],
        libraryPath: [String], defaultDirectories: [String], uncompressedBytes: Int64
    ) {
        self.executablePath = executablePath
        self.executable = executable
        self.entries = entries
        self.objects = objects
        self.libraryPath = libraryPath
        self.defaultDirectories = defaultDirectories
        self.uncompressedBytes = uncompressedBytes
    }

    /// The facts of an image holding `closure` and the executable at `executablePath`, with
    /// `LD_LIBRARY_PATH` set to `closure.libraryPath`.
    public init(
        closure: ImageClosure, executablePath: String, executable: ELFFile, architecture: Architecture,
        uncompressedBytes: Int64
    ) {
        self.init(
            executablePath: executablePath, executable: executable, entries: closure.entries, objects: closure.objects,
            libraryPath: closure.libraryDirectories,
            defaultDirectories: ImageReadiness.loaderDirectories(for: architecture),
            uncompressedBytes: uncompressedBytes)
    }
}

/// Whether an image starts: it brings its own C library, so there is no
/// glibc ceiling; instead every object must find, inside the image, what it
/// needs: each `DT_NEEDED` by the image's search order, each symbol version in
/// the library that answers for that SONAME there, the loader at `PT_INTERP`,
/// all of one architecture, within Lambda's size limit. Pure, as
/// `ReadinessCheck` is: the image is only its entries and ELF data.
public enum ImageReadiness {
    /// The directories glibc's loader searches without a cache, as Debian builds it
    /// (`ld.so --help`, "system search path", measured for x86_64 and aarch64).
    public static func loaderDirectories(for architecture: Architecture) -> [String] {
        let multiarch = "\(architecture.rawValue)-linux-gnu"
        return ["/lib/\(multiarch)", "/usr/lib/\(multiarch)", "/lib", "/usr/lib"]
    }

    public static func evaluate(_ facts: ImageFacts, architecture: Architecture) -> ReadinessReport {
        let kinds = Dictionary(facts.entries.map { ($0.path, $0.kind) }, uniquingKeysWith: { first, _ in first })
        let tree = RootedTree { path in
            switch kinds[path] {
            case .file: return .file
            case .directory: return .directory
            case .symlink(let target): return .symlink(target: target)
            case nil: return nil
            }
        }
        let objects = facts.objects.merging(
            [facts.executablePath: facts.executable], uniquingKeysWith: { first, _ in first })
        func open(_ path: String) -> ELFFile? {
            guard let resolved = tree.resolve(path), resolved.node == .file else { return nil }
            return objects[resolved.path]
        }

        var findings: [Finding] = []
        let machine = ELFMachine(architecture)
        let all =
            [(facts.executablePath, facts.executable)]
            + facts.objects.keys.sorted().filter { $0 != facts.executablePath }.compactMap { path in
                facts.objects[path].map { (path, $0) }
            }
        for (path, file) in all where file.header.machine != machine {
            findings.append(
                Finding(
                    severity: .error,
                    kind: .imageArchitecture(
                        object: path, found: file.header.machine.description, expected: architecture.lambdaName)))
        }

        // The loader is loaded first: a DT_NEEDED naming it is answered without a search.
        var preloaded: [String: (path: String, file: ELFFile)] = [:]
        if let interpreter = facts.executable.interpreter {
            if let file = open(interpreter) {
                let real = tree.resolve(interpreter)?.path ?? interpreter
                preloaded[lastComponent(interpreter)] = (real, file)
                if let soname = file.soname { preloaded[soname] = (real, file) }
            } else {
                findings.append(
                    Finding(
                        severity: .error,
                        kind: .imageInterpreterMissing(
                            object: facts.executablePath, interpreter: interpreter)))
            }
        }

        let search = LibrarySearch(
            libraryPath: facts.libraryPath, cache: nil, defaultDirectories: facts.defaultDirectories)
        let executable = LibrarySearch.Requester(path: facts.executablePath, file: facts.executable)
        var resolvedNeeds: [String: Bool] = [:]
        for (path, file) in all {
            var providers: [String: (path: String, file: ELFFile)] = [:]
            for name in file.needed {
                if let loader = preloaded[name] {
                    providers[name] = loader
                    continue
                }
                var searched: [String] = []
                if let found = search.locate(
                    name, for: LibrarySearch.Requester(path: path, file: file), executable: executable,
                    machine: machine,
                    searched: &searched, open: open)
                {
                    providers[name] = (tree.resolve(found.path)?.path ?? found.path, found.file)
                } else {
                    findings.append(
                        Finding(
                            severity: .error,
                            kind: .imageLibraryMissing(
                                object: path, soname: name, searched: LibrarySearch.directories(of: searched))))
                }
            }
            if path == facts.executablePath { resolvedNeeds = providers.mapValues { _ in true } }
            for need in file.versionNeeds {
                guard let provider = providers[need.library] else { continue }
                for version in need.versions where !provider.file.versionDefinitions.contains(version.name) {
                    findings.append(
                        Finding(
                            severity: .error,
                            kind: .imageVersionMissing(
                                object: path, library: need.library, provider: provider.path, version: version.name,
                                symbols: version.symbols.sorted())))
                }
            }
        }

        if facts.uncompressedBytes > ImageLimits.uncompressedBytes {
            findings.append(
                Finding(
                    severity: .error,
                    kind: .imageTooLarge(bytes: facts.uncompressedBytes, limit: ImageLimits.uncompressedBytes)))
        }
        return ReadinessReport(
            findings: findings,
            highestGLIBC: highest("GLIBC", in: all.map(\.1)),
            highestGLIBCXX: highest("GLIBCXX", in: all.map(\.1)),
            libraries: facts.executable.needed.map { ($0, resolvedNeeds[$0] ?? false) })
    }

    private static func highest(_ prefix: String, in files: [ELFFile]) -> String? {
        files.compactMap { $0.maxVersion(prefix: prefix)?.0 }.max()?.description
    }
}
