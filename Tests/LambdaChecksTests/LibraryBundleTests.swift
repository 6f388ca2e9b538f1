import BuildPlanner
import ELFKit
import Foundation
import LambdaChecks
import Testing

/// Finding libraries as the loader does, and what `--bundle-libs` ships.
@Suite struct LoaderCacheTests {
    @Test func readsTheHostCacheAsLdconfigDoes() throws {
        let cache = try #require(LoaderCache.load())
        let ldconfig = try run("/sbin/ldconfig", ["-p"])
        // "\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1"
        let expected = ldconfig.split(separator: "\n").dropFirst().compactMap { line -> LoaderCache.Entry? in
            let parts = line.trimmingCharacters(in: .whitespaces).components(separatedBy: " => ")
            guard parts.count == 2, let name = parts[0].split(separator: " ").first else { return nil }
            return LoaderCache.Entry(name: String(name), path: parts[1])
        }
        #expect(cache.entries.count == expected.count)
        #expect(cache.entries == expected)
        #expect(cache.paths(for: "libc.so.6").contains { FileManager.default.fileExists(atPath: $0) })
    }

    @Test func theOldFormatPrefixIsSkipped() throws {
        let modern = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LoaderCache.systemPath)))
        // "ld.so-1.7.0", padding, zero old entries: 16 bytes, already 8-aligned.
        let old = Array("ld.so-1.7.0".utf8) + [0] + [0, 0, 0, 0]
        #expect(try LoaderCache(bytes: old + modern) == LoaderCache(bytes: modern))
    }

    @Test func malformedCachesAreErrorsNotCrashes() throws {
        let modern = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LoaderCache.systemPath)))
        #expect(throws: LoaderCacheError.unrecognised) { try LoaderCache(bytes: Array("not a cache".utf8)) }
        #expect(throws: LoaderCacheError.truncated) { try LoaderCache(bytes: Array(modern.prefix(100))) }
        #expect(throws: LoaderCacheError.unrecognised) { try LoaderCache(bytes: Array(modern.prefix(30))) }
        #expect(throws: LoaderCacheError.truncated) { try LoaderCache(bytes: Array("ld.so-1.7.0".utf8) + [0, 255, 255, 255, 255]) }
        #expect(LoaderCache.load("/nonexistent/ld.so.cache") == nil)
    }
}

@Suite struct LibraryBundleTests {
    /// libouter.so.1 (needing libinner.so.1 through RUNPATH $ORIGIN/../inner) in `outer/`,
    /// libinner.so.1 -> libinner.so.1.2 -> libinner.so.1.2.3 in `inner/`, and an executable
    /// needing libouter.so.1 through RUNPATH `runpath` (none when nil).
    static func libraryTree(runpath: Bool) throws -> (root: String, executable: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString.prefix(8))").path
        for directory in ["inner", "outer", "bin"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(directory)", withIntermediateDirectories: true)
        }
        try "int inner(void) { return 41; }\n".write(toFile: "\(root)/inner.c", atomically: true, encoding: .utf8)
        try "int inner(void); int outer(void) { return inner() + 1; }\n".write(toFile: "\(root)/outer.c", atomically: true, encoding: .utf8)
        try "#include <math.h>\nint outer(void); int main(int c, char **v) { (void)v; return outer() + (int)sqrt((double)c); }\n"
            .write(toFile: "\(root)/main.c", atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/gcc", ["-shared", "-fPIC", "-Wl,-soname,libinner.so.1", "-o", "\(root)/inner/libinner.so.1.2.3", "\(root)/inner.c"])
        try FileManager.default.createSymbolicLink(atPath: "\(root)/inner/libinner.so.1.2", withDestinationPath: "libinner.so.1.2.3")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/inner/libinner.so.1", withDestinationPath: "libinner.so.1.2")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/inner/libinner.so", withDestinationPath: "libinner.so.1")
        _ = try run("/usr/bin/gcc", [
            "-shared", "-fPIC", "-Wl,-soname,libouter.so.1", "-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../inner",
            "-o", "\(root)/outer/libouter.so.1", "\(root)/outer.c", "-L\(root)/inner", "-linner",
        ])
        try FileManager.default.createSymbolicLink(atPath: "\(root)/outer/libouter.so", withDestinationPath: "libouter.so.1")
        let executable = "\(root)/bin/bootstrap"
        _ = try run("/usr/bin/gcc", [
            "-o", executable, "\(root)/main.c", "-L\(root)/outer", "-louter", "-lm", "-Wl,--enable-new-dtags",
            "-Wl,-rpath-link,\(root)/inner",
        ] + (runpath ? ["-Wl,-rpath,\(root)/outer"] : []))
        return (root, executable)
    }

    static let empty = LibrarySearch(libraryPath: [], cache: nil, defaultDirectories: [])

    @Test func followsRunpathsOriginAndSonameChainsAndSkipsWhatTheRuntimeHas() throws {
        let (root, executable) = try Self.libraryTree(runpath: true)
        let bundle = try LibraryBundle.resolve(
            executable: try ELFFile(contentsOf: executable), at: executable, profile: .providedAL2023, search: Self.empty)
        #expect(bundle.libraries.map(\.soname) == ["libouter.so.1", "libinner.so.1"])
        #expect(bundle.libraries.map(\.neededBy) == ["bootstrap", "libouter.so.1"])
        #expect(bundle.libraries.map(\.source) == ["\(root)/outer/libouter.so.1", "\(root)/inner/libinner.so.1.2.3"])
        #expect(bundle.entries == [
            LibraryEntry(name: "libouter.so.1", content: .file(source: "\(root)/outer/libouter.so.1")),
            LibraryEntry(name: "libinner.so.1.2.3", content: .file(source: "\(root)/inner/libinner.so.1.2.3")),
            LibraryEntry(name: "libinner.so.1", content: .symlink(target: "libinner.so.1.2")),
            LibraryEntry(name: "libinner.so.1.2", content: .symlink(target: "libinner.so.1.2.3")),
        ])
        #expect(Set(bundle.filesBySoname.keys) == ["libouter.so.1", "libinner.so.1"])
        // What it ships passes the checks; without the bundle, both libraries are missing.
        let target = LambdaTarget(architecture: .x86_64, libc: .glibc)
        let file = try ELFFile(contentsOf: executable)
        let passing = ReadinessCheck.evaluate(
            ArtifactFacts(executable: file, bundled: bundle.filesBySoname, unzippedBytes: 1), target: target, profile: .providedAL2023)
        #expect(passing.passed, "\(passing.findings)")
        #expect(passing.libraries.map(\.bundled) == file.needed.map { $0 == "libouter.so.1" })
        let failing = ReadinessCheck.evaluate(ArtifactFacts(executable: file, unzippedBytes: 1), target: target, profile: .providedAL2023)
        #expect(failing.errors.map(\.kind) == [.libraryMissing(soname: "libouter.so.1")])
    }

    @Test func libraryPathComesBeforeTheCacheAndDefaultsAndTheWrongMachineIsSkipped() throws {
        let (root, executable) = try Self.libraryTree(runpath: false)
        let file = try ELFFile(contentsOf: executable)
        // No RUNPATH and nowhere to look: the error names the library and who needs it.
        #expect(throws: BundleError.notFound(soname: "libouter.so.1", neededBy: "bootstrap", machine: "x86_64", searched: 0)) {
            try LibraryBundle.resolve(executable: file, at: executable, profile: .providedAL2023, search: Self.empty)
        }
        // An aarch64 libouter.so.1 first in LD_LIBRARY_PATH is passed over, as the loader does.
        let arm = "\(root)/arm"
        try FileManager.default.createDirectory(atPath: arm, withIntermediateDirectories: true)
        _ = try run("/usr/bin/aarch64-linux-gnu-gcc", ["-shared", "-fPIC", "-Wl,-soname,libouter.so.1", "-o", "\(arm)/libouter.so.1", "\(root)/inner.c"])
        let search = LibrarySearch(libraryPath: [arm, "\(root)/outer"], cache: nil, defaultDirectories: ["\(root)/inner"])
        let bundle = try LibraryBundle.resolve(executable: file, at: executable, profile: .providedAL2023, search: search)
        #expect(bundle.libraries.map(\.source) == ["\(root)/outer/libouter.so.1", "\(root)/inner/libinner.so.1.2.3"])
        // A search that finds only the wrong machine fails.
        let armOnly = LibrarySearch(libraryPath: [arm], cache: nil, defaultDirectories: [])
        #expect(throws: BundleError.notFound(soname: "libouter.so.1", neededBy: "bootstrap", machine: "x86_64", searched: 1)) {
            try LibraryBundle.resolve(executable: file, at: executable, profile: .providedAL2023, search: armOnly)
        }
    }

    @Test func theHostsLibyamlIsFoundThroughTheCacheAndGlibcNeverBundled() throws {
        let executable = try Fixtures.build("yaml-bundle.c", Fixtures.yaml, compiler: "gcc", arguments: ["-lyaml"])
        let search = LibrarySearch.host(for: .x86_64, environment: [:])
        let bundle = try LibraryBundle.resolve(
            executable: try ELFFile(contentsOf: executable), at: executable, profile: .providedAL2023, search: search)
        let hostCopy = URL(fileURLWithPath: try #require(search.cache?.paths(for: "libyaml-0.so.2").first)).resolvingSymlinksInPath().path
        #expect(bundle.libraries.map(\.soname) == ["libyaml-0.so.2"])
        #expect(bundle.libraries.first.map { URL(fileURLWithPath: $0.source).resolvingSymlinksInPath().path } == hostCopy)
        #expect(bundle.entries.map(\.name) == [(hostCopy as NSString).lastPathComponent, "libyaml-0.so.2"])
        // On provided.al2 the same holds; libc.so.6, which libyaml needs, is never shipped.
        let al2 = try LibraryBundle.resolve(
            executable: try ELFFile(contentsOf: executable), at: executable, profile: .providedAL2, search: search)
        #expect(al2.libraries.map(\.soname) == ["libyaml-0.so.2"])
    }

    @Test func notPromisedLibrariesAreBundledWithTheirOwnNeeds() throws {
        // libcurl4 is installed without its headers: declare the one function used.
        let source = "int curl_global_init(long flags);\nint main(void) { return curl_global_init(0); }\n"
        let executable = try Fixtures.build("curl-bundle.c", source, compiler: "gcc", arguments: ["-l:libcurl.so.4"])
        let bundle = try LibraryBundle.resolve(
            executable: try ELFFile(contentsOf: executable), at: executable, profile: .providedAL2023,
            search: .host(for: .x86_64, environment: [:]))
        #expect(bundle.libraries.first?.soname == "libcurl.so.4")
        // Its own needs that the runtime lacks come too, each once; the runtime's do not.
        let sonames = bundle.libraries.map(\.soname)
        #expect(sonames.count > 1 && Set(sonames).count == sonames.count)
        #expect(!sonames.contains { RuntimeProfile.providedAL2023.libraries.contains($0) })
        let facts = ArtifactFacts(executable: try ELFFile(contentsOf: executable), bundled: bundle.filesBySoname, unzippedBytes: 1)
        let report = ReadinessCheck.evaluate(facts, target: LambdaTarget(architecture: .x86_64, libc: .glibc), profile: .providedAL2023)
        #expect(!report.findings.contains { if case .libraryMissing = $0.kind { true } else { false } })
        #expect(!report.findings.contains { if case .libraryNotPromised = $0.kind { true } else { false } })
    }
}

@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return String(decoding: data, as: UTF8.self)
}
