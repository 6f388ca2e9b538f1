import ELFKit
import Foundation
import Testing

/// `ELFFile` on real binaries: this machine's own, the committed corpus, and
/// small programs built here with the exact linker flags under test.
@Suite struct ELFFileTests {
    static let libstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"
    static let libm = "/lib/x86_64-linux-gnu/libm.so.6"
    static let hello = "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"

    @Test func readsAnExecutablesLibrariesAndGlibcNeeds() throws {
        let file = try ELFFile(contentsOf: "/bin/ls")
        #expect(file.header.machine == .x86_64)
        #expect(file.interpreter == "/lib64/ld-linux-x86-64.so.2")
        #expect(file.needed.contains("libc.so.6"))
        #expect(file.soname == nil)
        #expect(file.versionDefinitions.isEmpty)
        let libc = try #require(file.versionNeeds.first { $0.library == "libc.so.6" })
        let glibc234 = try #require(libc.versions.first { $0.name == "GLIBC_2.34" })
        #expect(glibc234.symbols.contains("__libc_start_main"))
        let (highest, _) = try #require(file.maxVersion(prefix: "GLIBC"))
        #expect(highest >= SymbolVersion(prefix: "GLIBC", numbers: [2, 34]))
        #expect(file.maxVersion(prefix: "GLIBCXX") == nil)
        let start = try #require(file.dynamicSymbols.first { $0.name == "__libc_start_main" })
        #expect(!start.isDefined && start.isFunction && start.binding == .global)
        #expect(start.version == "GLIBC_2.34" && !start.isDefaultVersion)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: libstdcxx)))
    func readsLibstdcxxDefinitionsAndDefaultVersions() throws {
        let file = try ELFFile(contentsOf: Self.libstdcxx)
        #expect(file.soname == "libstdc++.so.6")
        #expect(file.interpreter == nil)
        #expect(file.versionDefinitions.first == "GLIBCXX_3.4")
        #expect(file.versionDefinitions.contains("GLIBCXX_3.4.30"))
        #expect(file.versionDefinitions.contains("CXXABI_1.3.13"))
        #expect(!file.versionDefinitions.contains("libstdc++.so.6"))  // the base entry
        let wait = file.dynamicSymbols.filter { $0.name == "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE" }
        #expect(Set(wait.compactMap(\.version)) == ["GLIBCXX_3.4.11", "GLIBCXX_3.4.30"])
        #expect(wait.allSatisfy { $0.isDefined && $0.isFunction })
        #expect(wait.filter(\.isDefaultVersion).map(\.version) == ["GLIBCXX_3.4.30"])
        #expect(file.versionNeeds.map(\.library).contains("libc.so.6"))
        #expect(file.dynamicSymbols.contains { $0.binding == .unique })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: libm)))
    func readsHiddenAndDefaultVersionsOfOneSymbol() throws {
        let file = try ELFFile(contentsOf: Self.libm)
        #expect(file.soname == "libm.so.6")
        let hypot = file.dynamicSymbols.filter { $0.name == "hypot" }
        #expect(hypot.count == 2)
        #expect(hypot.first { $0.version == "GLIBC_2.2.5" }?.isDefaultVersion == false)
        #expect(hypot.first { $0.version == "GLIBC_2.35" }?.isDefaultVersion == true)
    }

    @Test(.enabled(if: Tool.exists(Tool.aarch64GCC)))
    func readsACrossCompiledArm64Binary() throws {
        let directory = try TemporaryDirectory()
        let binary = try directory.compileC(Self.hello, compiler: Tool.aarch64GCC)
        let file = try ELFFile(contentsOf: binary)
        #expect(file.header.machine == .aarch64)
        #expect(file.interpreter == "/lib/ld-linux-aarch64.so.1")
        #expect(file.needed == ["libc.so.6"])
        let libc = try #require(file.versionNeeds.first { $0.library == "libc.so.6" })
        #expect(libc.versions.contains { $0.name == "GLIBC_2.17" })  // arm64's first glibc version
        #expect(libc.versions.contains { $0.name == "GLIBC_2.34" && $0.symbols == ["__libc_start_main"] })
    }

    @Test(.enabled(if: Tool.exists(Tool.gcc)))
    func readsRunpathWithNewDynamicTags() throws {
        let directory = try TemporaryDirectory()
        let binary = try directory.compileC(
            Self.hello, flags: ["-Wl,-rpath,/opt/x:/opt/y", "-Wl,--enable-new-dtags"])
        let file = try ELFFile(contentsOf: binary)
        #expect(file.runpath == ["/opt/x", "/opt/y"])
        #expect(file.rpath.isEmpty)
    }

    @Test(.enabled(if: Tool.exists(Tool.gcc)))
    func readsRpathWithOldDynamicTags() throws {
        let directory = try TemporaryDirectory()
        let binary = try directory.compileC(Self.hello, flags: ["-Wl,-rpath,/opt/x", "-Wl,--disable-new-dtags"])
        let file = try ELFFile(contentsOf: binary)
        #expect(file.rpath == ["/opt/x"])
        #expect(file.runpath.isEmpty)
    }

    @Test(.enabled(if: Tool.exists(Tool.gcc)))
    func aStaticBinaryNeedsNothing() throws {
        let directory = try TemporaryDirectory()
        let binary = try directory.compileC(Self.hello, flags: ["-static"])
        let file = try ELFFile(contentsOf: binary)
        #expect(file.interpreter == nil)
        #expect(file.needed.isEmpty)
        #expect(file.versionNeeds.isEmpty)
        #expect(file.maxVersion(prefix: "GLIBC") == nil)
    }

    @Test func readsTheCorpusSharedLibrary() throws {
        let file = try ELFFile(contentsOf: Corpus.path("libversioned.so.1"))
        #expect(file.soname == "libversioned.so.1")
        #expect(file.runpath == ["$ORIGIN/lib", "/opt/versioned"])
        #expect(file.needed == ["libm.so.6", "libc.so.6"])
        #expect(file.versionDefinitions == ["VERS_1.0", "VERS_2.0"])
        let area = file.dynamicSymbols.filter { $0.name == "area" }
        #expect(area.map(\.version) == ["VERS_2.0", "VERS_1.0"])
        #expect(area.map(\.isDefaultVersion) == [true, false])
        #expect(
            file.versionNeeds == [
                VersionNeed(library: "libm.so.6", versions: [NeededVersion(name: "GLIBC_2.35", symbols: ["hypot"])]),
                VersionNeed(
                    library: "libc.so.6",
                    versions: [NeededVersion(name: "GLIBC_2.2.5", symbols: ["printf", "__cxa_finalize"])]),
            ])
        let (highest, symbols) = try #require(file.maxVersion(prefix: "GLIBC"))
        #expect(highest.description == "GLIBC_2.35")
        #expect(symbols == ["hypot"])
    }

    /// Without section headers the tables are found from `PT_DYNAMIC` and
    /// the symbol count from `DT_GNU_HASH` or `DT_HASH`; the answers must
    /// not change.
    @Test(arguments: [
        ("hello-x86_64", "hello-x86_64-nosections"), ("libversioned.so.1", "libversioned-nosections.so.1"),
        ("hello-sysvhash-x86_64", "hello-sysvhash-x86_64-nosections"),
    ])
    func readsTheSameWithoutSectionHeaders(withSections: String, withoutSections: String) throws {
        let full = try ELFFile(contentsOf: Corpus.path(withSections))
        let bare = try ELFFile(contentsOf: Corpus.path(withoutSections))
        #expect(bare.header.sectionHeaderCount == 0)
        #expect(bare.interpreter == full.interpreter)
        #expect(bare.needed == full.needed)
        #expect(bare.soname == full.soname)
        #expect(bare.runpath == full.runpath)
        #expect(bare.versionNeeds == full.versionNeeds)
        #expect(bare.versionDefinitions == full.versionDefinitions)
        #expect(bare.dynamicSymbols == full.dynamicSymbols)
        #expect(!full.dynamicSymbols.isEmpty)
    }

    @Test func bytesAndFileReadTheSame() throws {
        let fromFile = try ELFFile(contentsOf: Corpus.path("hello-aarch64"))
        let fromBytes = try ELFFile(bytes: Corpus.bytes("hello-aarch64"))
        #expect(fromFile.header == fromBytes.header)
        #expect(fromFile.dynamicSymbols == fromBytes.dynamicSymbols)
        #expect(fromFile.versionNeeds == fromBytes.versionNeeds)
        #expect(fromFile.header.machine == .aarch64)
    }

    /// A large binary is mapped, not copied: this reads a toolchain
    /// executable of well over 60 MB.
    @Test func readsALargeBinary() throws {
        let candidates = ["swift-frontend", "swift-package", "clang"].compactMap { name in
            Tool.swiftc.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent(name).path }
        }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else { return }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        let start = ContinuousClock.now
        let file = try ELFFile(contentsOf: path)
        let elapsed = ContinuousClock.now - start
        #expect(file.needed.contains("libc.so.6"), "\(path) (\(size) bytes)")
        #expect(!file.dynamicSymbols.isEmpty)
        #expect(elapsed < .seconds(20), "\(path) (\(size) bytes) took \(elapsed)")
    }

    @Test func unreadableFileIsAnError() {
        #expect(throws: ELFError.unreadable(path: "/nonexistent/x")) { try ELFFile(contentsOf: "/nonexistent/x") }
        #expect(throws: ELFError.unreadable(path: "/")) { try ELFFile(contentsOf: "/") }
    }
}
