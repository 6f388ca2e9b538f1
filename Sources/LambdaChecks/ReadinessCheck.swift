public import BuildPlanner
public import ELFKit

/// One thing a check found: an error stops the artifact from being written
/// (unless checks are skipped); a warning is reported and the build goes on.
public struct Finding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: Sendable, Equatable { case error, warning }
    public enum Kind: Sendable, Equatable {
        case architecture(found: String, expected: String)
        case dynamicSwiftRuntime(libraries: [String])
        case libraryMissing(soname: String)
        case libraryNotPromised(soname: String)
        /// Symbols needing a version above the runtime's ceiling for that prefix.
        case versionTooNew(library: String, version: String, ceiling: String, symbols: [String])
        case unzippedTooLarge(bytes: Int64, limit: Int64)
        case zipTooLargeForDirectUpload(bytes: Int64, limit: Int64)
        /// An image's object whose `DT_NEEDED` is nowhere in the image's search path (`ImageReadiness`).
        case imageLibraryMissing(object: String, soname: String, searched: [String])
        /// A version an image's object needs that the library providing it in the image does not define.
        case imageVersionMissing(object: String, library: String, provider: String, version: String, symbols: [String])
        case imageInterpreterMissing(object: String, interpreter: String)
        case imageArchitecture(object: String, found: String, expected: String)
        case imageTooLarge(bytes: Int64, limit: Int64)
    }

    public let severity: Severity
    public let kind: Kind

    public init(severity: Severity, kind: Kind) {
        self.severity = severity
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .architecture(let found, let expected):
            return "built for \(found), but the target is \(expected) (Lambda fails with 'exec format error')"
        case .dynamicSwiftRuntime(let libraries):
            return "needs the Swift runtime as shared libraries (\(libraries.joined(separator: ", "))), which Lambda does not have; build with --release (--static-swift-stdlib) or the Static Linux SDK"
        case .libraryMissing(let soname):
            return "needs \(soname), which the runtime does not provide; ship it with --bundle-libs"
        case .libraryNotPromised(let soname):
            return "needs \(soname): present in the runtime today, not promised (it is only another package's dependency); --bundle-libs ships it"
        case .versionTooNew(let library, let version, let ceiling, let symbols):
            return "needs \(version) from \(library) (runtime has up to \(ceiling)) for \(symbols.joined(separator: ", "))"
        case .unzippedTooLarge(let bytes, let limit):
            return "is \(bytes) bytes unzipped, over Lambda's \(limit)-byte limit for a function and its layers"
        case .zipTooLargeForDirectUpload(let bytes, let limit):
            return "zip is \(bytes) bytes, over the \(limit)-byte limit for direct upload (upload it through S3)"
        case .imageLibraryMissing(let object, let soname, let searched):
            return "\(object) needs \(soname), which is not in the image (searched \(searched.isEmpty ? "nowhere" : searched.joined(separator: ", "))); add it to the image with its directory in LD_LIBRARY_PATH"
        case .imageVersionMissing(let object, let library, let provider, let version, let symbols):
            return "\(object) needs \(version) from \(library), which the image's \(provider) does not define (for \(symbols.joined(separator: ", "))); put the \(library) it was linked against in the image"
        case .imageInterpreterMissing(let object, let interpreter):
            return "\(object) names the loader \(interpreter) (PT_INTERP), which is not in the image (it fails with 'no such file or directory'); add the loader of the root it was linked against"
        case .imageArchitecture(let object, let found, let expected):
            return "\(object) is built for \(found), but the image is for \(expected) (the kernel refuses it with 'exec format error', the loader skips it); take it from a root of that architecture"
        case .imageTooLarge(let bytes, let limit):
            return "image is \(bytes) bytes uncompressed, over Lambda's \(limit)-byte limit for container images; leave out what the function does not load"
        }
    }
}

extension ELFMachine {
    /// The ELF machine of a Lambda architecture: the one place the two are matched.
    public init(_ architecture: Architecture) {
        switch architecture {
        case .x86_64: self = .x86_64
        case .aarch64: self = .aarch64
        }
    }
}

/// Lambda's deployment limits (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
/// 250 MB unzipped for a function and all its layers, 50 MB zipped for direct upload.
public enum LambdaLimits {
    public static let unzippedBytes: Int64 = 250 * 1024 * 1024
    public static let directUploadZipBytes: Int64 = 50 * 1024 * 1024
}

/// Everything the checks need to know about one artifact.
public struct ArtifactFacts: Sendable {
    public var executable: ELFFile
    /// The libraries shipped with it (in `lib/`), by soname, with their own ELF data.
    public var bundled: [String: ELFFile]
    /// Every byte the artifact unpacks to (executable, bundles, includes, bundled libraries).
    public var unzippedBytes: Int64
    public var zipBytes: Int64?

    public init(executable: ELFFile, bundled: [String: ELFFile] = [:], unzippedBytes: Int64, zipBytes: Int64? = nil) {
        self.executable = executable
        self.bundled = bundled
        self.unzippedBytes = unzippedBytes
        self.zipBytes = zipBytes
    }
}

/// The verdict on one artifact, and what the summary shows of it.
public struct ReadinessReport: Sendable, Equatable {
    public var findings: [Finding]
    /// The highest GLIBC_ and GLIBCXX_ versions needed (executable and bundled libraries).
    public var highestGLIBC: String?
    public var highestGLIBCXX: String?
    /// Needed sonames, in order, with whether each is bundled.
    public var libraries: [(soname: String, bundled: Bool)]

    public var errors: [Finding] { findings.filter { $0.severity == .error } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    public var passed: Bool { errors.isEmpty }

    public static func == (lhs: ReadinessReport, rhs: ReadinessReport) -> Bool {
        lhs.findings == rhs.findings && lhs.highestGLIBC == rhs.highestGLIBC && lhs.highestGLIBCXX == rhs.highestGLIBCXX
            && lhs.libraries.map(\.soname) == rhs.libraries.map(\.soname) && lhs.libraries.map(\.bundled) == rhs.libraries.map(\.bundled)
    }
}

/// Lambda-readiness of an artifact against a runtime: pure, so every rule
/// is unit-tested on real ELF data without building anything.
public enum ReadinessCheck {
    static let dynamicSwiftRuntimePrefixes = ["libswift", "libFoundation", "libdispatch.so", "libBlocksRuntime.so", "lib_Foundation", "lib_Testing"]

    /// Whether `soname` is part of the Swift runtime built as a shared library.
    public static func isDynamicSwiftRuntime(_ soname: String) -> Bool {
        dynamicSwiftRuntimePrefixes.contains { soname.hasPrefix($0) }
    }

    public static func evaluate(_ facts: ArtifactFacts, target: LambdaTarget, profile: RuntimeProfile) -> ReadinessReport {
        var findings: [Finding] = []
        let expected = ELFMachine(target.architecture)
        if facts.executable.header.machine != expected {
            findings.append(Finding(severity: .error, kind: .architecture(found: facts.executable.header.machine.description, expected: target.architecture.lambdaName)))
        }

        let needed = facts.executable.needed
        let swiftRuntime = needed.filter(isDynamicSwiftRuntime)
        if !swiftRuntime.isEmpty {
            findings.append(Finding(severity: .error, kind: .dynamicSwiftRuntime(libraries: swiftRuntime)))
        }

        // Every library needed by the executable or a bundled library must be in the image or bundled.
        var allNeeded: [String] = []
        for soname in needed + facts.bundled.keys.sorted().flatMap({ facts.bundled[$0]?.needed ?? [] })
        where !allNeeded.contains(soname) && !swiftRuntime.contains(soname) {
            allNeeded.append(soname)
        }
        for soname in allNeeded where facts.bundled[soname] == nil && !profile.libraries.contains(soname) {
            if profile.presentButNotPromised.contains(soname) {
                findings.append(Finding(severity: .warning, kind: .libraryNotPromised(soname: soname)))
            } else {
                findings.append(Finding(severity: .error, kind: .libraryMissing(soname: soname)))
            }
        }

        // Symbol versions above the ceilings, for the executable and every bundled library.
        let files = [facts.executable] + facts.bundled.keys.sorted().compactMap { facts.bundled[$0] }
        var highest: [String: SymbolVersion] = [:]
        var tooNew: [String: (library: String, version: SymbolVersion, ceiling: String, symbols: [String])] = [:]
        for file in files {
            for need in file.versionNeeds where facts.bundled[need.library] == nil {
                for version in need.versions {
                    guard let parsed = SymbolVersion(version.name) else { continue }
                    if highest[parsed.prefix].map({ parsed > $0 }) ?? true { highest[parsed.prefix] = parsed }
                    guard let ceilingName = profile.ceiling(for: parsed.prefix), let ceiling = SymbolVersion(ceilingName),
                        parsed > ceiling
                    else { continue }
                    let key = "\(need.library) \(version.name)"
                    var entry = tooNew[key] ?? (need.library, parsed, ceilingName, [])
                    entry.symbols += version.symbols.filter { !entry.symbols.contains($0) }
                    tooNew[key] = entry
                }
            }
        }
        for entry in tooNew.values.sorted(by: { ($0.library, $0.version) < ($1.library, $1.version) }) {
            findings.append(Finding(severity: .error, kind: .versionTooNew(
                library: entry.library, version: entry.version.description, ceiling: entry.ceiling, symbols: entry.symbols.sorted())))
        }

        if facts.unzippedBytes > LambdaLimits.unzippedBytes {
            findings.append(Finding(severity: .error, kind: .unzippedTooLarge(bytes: facts.unzippedBytes, limit: LambdaLimits.unzippedBytes)))
        }
        if let zip = facts.zipBytes, zip > LambdaLimits.directUploadZipBytes {
            findings.append(Finding(severity: .warning, kind: .zipTooLargeForDirectUpload(bytes: zip, limit: LambdaLimits.directUploadZipBytes)))
        }
        return ReadinessReport(
            findings: findings,
            highestGLIBC: highest["GLIBC"]?.description,
            highestGLIBCXX: highest["GLIBCXX"]?.description,
            libraries: needed.map { ($0, facts.bundled[$0] != nil) })
    }
}
