import ELFKit
import Foundation
import Testing

/// Interop: everything `ELFFile` reports is compared, entry by entry, with
/// what GNU readelf prints for the same file.
@Suite(.enabled(if: Tool.exists(Tool.readelf)))
struct ReadelfCrossCheckTests {
    static let systemFiles = [
        "/bin/ls", "/bin/true", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libm.so.6",
        "/lib/x86_64-linux-gnu/libc.so.6",
    ].filter { FileManager.default.fileExists(atPath: $0) }

    @Test(arguments: systemFiles)
    func systemFile(_ path: String) throws {
        try crossCheck(path)
    }

    @Test(arguments: ["hello-x86_64", "hello-aarch64", "libversioned.so.1"])
    func corpusFile(_ name: String) throws {
        try crossCheck(Corpus.path(name))
    }

    @Test(.enabled(if: Tool.exists(Tool.gcc)))
    func binariesWithSearchPaths() throws {
        let directory = try TemporaryDirectory()
        let source =
            "#include <math.h>\n#include <stdio.h>\nint main(int c, char **v) { printf(\"%f\", hypot(c, 2)); }\n"
        try crossCheck(
            directory.compileC(
                source, flags: ["-Wl,-rpath,/opt/x::/opt/y", "-Wl,--enable-new-dtags", "-lm"], output: "runpath"))
        try crossCheck(
            directory.compileC(
                source, flags: ["-Wl,-rpath,$ORIGIN", "-Wl,--disable-new-dtags", "-lm"], output: "rpath"))
    }

    @Test(.enabled(if: Tool.exists(Tool.aarch64GCC)))
    func arm64Binary() throws {
        let directory = try TemporaryDirectory()
        try crossCheck(
            directory.compileC("#include <stdio.h>\nint main(void) { puts(\"hi\"); }\n", compiler: Tool.aarch64GCC))
    }

    /// A Swift executable with the standard library linked statically still
    /// needs the C++ runtime: the case swift-lambda reports GLIBCXX for.
    @Test(.enabled(if: Tool.swiftc != nil))
    func swiftBinary() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.write("main.swift", "print(\"hello\", CommandLine.arguments.count)\n")
        let binary = "\(directory.path)/hello"
        _ = try Tool.run(try #require(Tool.swiftc), ["-static-stdlib", "-o", binary, source])
        let file = try crossCheck(binary)
        #expect(file.needed.contains("libstdc++.so.6"))
        let (glibcxx, symbols) = try #require(file.maxVersion(prefix: "GLIBCXX"))
        #expect(glibcxx.prefix == "GLIBCXX" && !symbols.isEmpty)
    }

    /// Compares `path` field by field with readelf; returns the parse for
    /// further checks.
    @discardableResult
    func crossCheck(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ELFFile {
        let file = try ELFFile(contentsOf: path)
        let readelf = ReadelfOutput(try Tool.run(Tool.readelf, ["-d", "-V", "--dyn-syms", "-W", path]))
        #expect(file.needed == readelf.needed, "\(path)", sourceLocation: sourceLocation)
        #expect(file.soname == readelf.soname, "\(path)", sourceLocation: sourceLocation)
        #expect(file.rpath == readelf.rpath, "\(path)", sourceLocation: sourceLocation)
        #expect(file.runpath == readelf.runpath, "\(path)", sourceLocation: sourceLocation)
        #expect(file.versionDefinitions == readelf.versionDefinitions, "\(path)", sourceLocation: sourceLocation)

        // Version needs, and for each version the symbols readelf prints as `name@VERSION (index)`.
        var symbolsByIndex: [Int: [String]] = [:]
        for symbol in readelf.symbols {
            if let index = symbol.neededIndex { symbolsByIndex[index, default: []].append(symbol.name) }
        }
        let expectedNeeds = readelf.versionNeeds.map { need in
            VersionNeed(
                library: need.library,
                versions: need.versions.map { NeededVersion(name: $0.name, symbols: symbolsByIndex[$0.index] ?? []) })
        }
        #expect(file.versionNeeds == expectedNeeds, "\(path)", sourceLocation: sourceLocation)

        #expect(file.dynamicSymbols.count == readelf.symbols.count, "\(path)", sourceLocation: sourceLocation)
        var mismatches: [String] = []
        for (index, (ours, theirs)) in zip(file.dynamicSymbols, readelf.symbols).enumerated() {
            // readelf omits the version of the absolute symbol that names a
            // version (`VERS_1.0` in `VERS_1.0`); the table does record it.
            let versionNamesItself = theirs.isAbsolute && ours.version == ours.name && theirs.version == nil
            // readelf shows a section symbol by its section's name; the symbol's own name is empty.
            let sameName = ours.name == theirs.name || (ours.type == .section && ours.name.isEmpty)
            let same =
                sameName && ours.isDefined == theirs.isDefined
                && Self.readelfName(ours.type) == theirs.type && Self.readelfName(ours.binding) == theirs.binding
                && (versionNamesItself
                    || (ours.version == theirs.version && ours.isDefaultVersion == theirs.isDefault))
            if !same { mismatches.append("\(index + 1): ours \(ours), readelf \(theirs)") }
        }
        #expect(mismatches.isEmpty, "\(path): \(mismatches.prefix(5))", sourceLocation: sourceLocation)

        // maxVersion agrees with the highest needed version readelf lists.
        for prefix in ["GLIBC", "GLIBCXX", "CXXABI", "GCC"] {
            let expected = readelf.versionNeeds.flatMap(\.versions).compactMap { SymbolVersion($0.name) }
                .filter { $0.prefix == prefix }.max()
            #expect(file.maxVersion(prefix: prefix)?.0 == expected, "\(path) \(prefix)", sourceLocation: sourceLocation)
        }
        return file
    }

    static func readelfName(_ type: SymbolType) -> String {
        switch type {
        case .noType: return "NOTYPE"
        case .object: return "OBJECT"
        case .function: return "FUNC"
        case .section: return "SECTION"
        case .file: return "FILE"
        case .common: return "COMMON"
        case .threadLocal: return "TLS"
        case .indirectFunction: return "IFUNC"
        case .other(let value): return "type \(value)"
        }
    }

    static func readelfName(_ binding: SymbolBinding) -> String {
        switch binding {
        case .local: return "LOCAL"
        case .global: return "GLOBAL"
        case .weak: return "WEAK"
        case .unique: return "UNIQUE"
        case .other(let value): return "binding \(value)"
        }
    }
}
