import ELFKit
import Foundation
import Testing

/// `--glibc-compat` through the CLI, on the small fixture package
/// `Fixtures/glibc-compat` (debug builds of one product at a time, so no
/// Foundation is linked): rebinding, the shim cache, `--no-glibc-compat`,
/// an unfixable symbol, and a static libstdc++.
@Suite(.serialized) struct GlibcCompatEndToEndTests {
    #if arch(arm64)
        static let glibcBase = "GLIBC_2.17"
        static let musl = "aarch64-swift-linux-musl"
    #else
        static let glibcBase = "GLIBC_2.2.5"
        static let musl = "x86_64-swift-linux-musl"
    #endif

    /// Whether this machine's libm makes hypot newer than provided.al2023 (glibc 2.35 and later).
    static var hostIsNewer: Bool {
        let libm = ["/lib/x86_64-linux-gnu/libm.so.6", "/lib/aarch64-linux-gnu/libm.so.6", "/lib64/libm.so.6"]
            .first { FileManager.default.fileExists(atPath: $0) }
        return libm.flatMap { try? ELFFile(contentsOf: $0) }?.versionDefinitions.contains("GLIBC_2.35") ?? false
    }

    static func highest(_ prefix: String, _ path: String) throws -> String? {
        try ELFFile(contentsOf: path).maxVersion(prefix: prefix)?.0.description
    }

    /// `name@VERSION` of every symbol the binary imports, read by GNU readelf.
    static func imports(_ path: String) throws -> Set<String> {
        let text = try Harness.runProcess("/usr/bin/readelf", ["-W", "--dyn-syms", path], in: "/").standardOutput
        return Set(
            text.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count >= 8, fields[6] == "UND" else { return nil }
                return String(fields[7])
            })
    }

    /// The `glibc-compat: NAME from LIBRARY: NEW -> OLD` lines of `-v`, as `mangled@OLD`.
    static func listedRebindings(_ standardError: String) -> [String] {
        standardError.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("glibc-compat: "), line.contains(" -> "), let arrow = line.range(of: " -> ") else {
                return nil
            }
            let head = line[
                line.index(line.startIndex, offsetBy: "glibc-compat: ".count)..<line.range(of: " from ")!.lowerBound]
            // "demangled (mangled)" for C++ names, else the plain name.
            let name =
                head.hasSuffix(")")
                ? head[head.index(after: head.lastIndex(of: "(")!)..<head.index(before: head.endIndex)] : head
            return "\(name)@\(line[arrow.upperBound...])"
        }
    }

    @Test(.enabled(if: hostIsNewer))
    func rebindingPassesTheChecksAndNoCompatRestoresTheFailure() throws {
        let root = try Harness.fixture("glibc-compat")
        let first = try Harness.run(["build", "--product", "mathfn", "-v"], in: root)
        try #require(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.contains("glibc-compat: hypot from libm.so.6: GLIBC_2.35 -> \(Self.glibcBase)"))
        #expect(first.standardError.contains("glibc-compat: hypotf from libm.so.6: GLIBC_2.35 -> \(Self.glibcBase)"))
        #expect(first.standardError.contains(".o (compiled)"))
        let bootstrap = "\(root)/target/lambda/mathfn/bootstrap"
        #expect(try Self.highest("GLIBC", bootstrap) == "GLIBC_2.34")
        #expect(try Self.highest("GLIBCXX", bootstrap).map { $0 <= "GLIBCXX_3.4.29" } ?? true)
        // The summary's count is exactly the listed rebindings the binary imports at their old versions.
        let imported = try Self.imports(bootstrap)
        let listed = Self.listedRebindings(first.standardError)
        #expect(listed.contains("hypot@\(Self.glibcBase)"))
        let bound = listed.filter(imported.contains)
        #expect(bound.contains("hypot@\(Self.glibcBase)") && bound.contains("hypotf@\(Self.glibcBase)"))
        #expect(first.standardOutput.contains("glibc-compat: \(bound.count) symbols rebound"))
        #expect(first.standardOutput.contains("checks passed; needs GLIBC_2.34"))
        let ran = try Harness.runProcess(bootstrap, [], in: root)
        #expect(ran.standardOutput == "hypot 5.0 hypotf 13.0\n")

        // The second build reuses the shim object as it is.
        let object = try #require(
            Harness.contents(of: "\(root)/.build/swift-lambda/compat").first { $0.hasSuffix(".o") })
        let objectPath = "\(root)/.build/swift-lambda/compat/\(object)"
        let modified = try FileManager.default.attributesOfItem(atPath: objectPath)[.modificationDate] as? Date
        // The shim and its reuse are -v's detail.
        let second = try Harness.run(["build", "--product", "mathfn", "-v"], in: root)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardError.contains("\(object) (reused)"))
        #expect(try FileManager.default.attributesOfItem(atPath: objectPath)[.modificationDate] as? Date == modified)

        // Without it, the check fails again and names the way back.
        let elsewhere = try Harness.temporaryDirectory(prefix: "nocompat")
        let off = try Harness.run(
            ["build", "--product", "mathfn", "--no-glibc-compat", "--lambda-dir", elsewhere], in: root)
        #expect(off.status == 1)
        #expect(
            off.standardError.contains(
                "error: mathfn: needs GLIBC_2.35 from libm.so.6 (GLIBC_2.34 is the newest on this runtime) for hypot, hypotf"
            ))
        #expect(off.standardError.contains("rebind to the runtime's symbol versions (--glibc-compat)"))
        #expect(!off.standardError.contains("glibc-compat: rebinding"))
        #expect(Harness.contents(of: elsewhere) == [])
        let skipped = try Harness.run(
            ["build", "--product", "mathfn", "--no-glibc-compat", "--skip-checks", "--lambda-dir", elsewhere], in: root)
        #expect(skipped.status == 0)
        #expect(skipped.standardError.contains("warning: mathfn: needs GLIBC_2.35 from libm.so.6"))
        #expect(skipped.standardOutput.contains("checks FAILED (written with --skip-checks)"))
        #expect(!skipped.standardOutput.contains("glibc-compat:"))
        #expect(try Self.highest("GLIBC", "\(elsewhere)/mathfn/bootstrap") == "GLIBC_2.35")
    }

    @Test(.enabled(if: hostIsNewer))
    func aSymbolWithNoOlderVersionFailsWithItsName() throws {
        let root = try Harness.fixture("glibc-compat")
        let result = try Harness.run(["build", "--product", "newest"], in: root)
        #expect(result.status == 1)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "error: newest: needs GLIBC_2.35 from libc.so.6 (GLIBC_2.34 is the newest on this runtime) for epoll_pwait2"
            ))
        #expect(
            lines.contains(
                "  glibc-compat cannot rebind epoll_pwait2: libc.so.6 has it only at GLIBC_2.35, with no version at or below GLIBC_2.34; build fully static with the Static Linux SDK (--target \(Self.musl)) or in the runtime's image (--compiler docker)"
            ))
        #expect(
            lines.last
                == "error: newest would not start on provided.al2023 (see above) and was not written; choose a way out above or pass --skip-checks"
        )
        #expect(!result.standardOutput.contains("Built 0"), "nothing was written: no summary (issue 14, item 14)")
        #expect(Harness.contents(of: "\(root)/target/lambda") == [])
    }

    @Test(.enabled(if: hostIsNewer))
    func libstdcxxIsLinkedStaticallyWhereRebindingIsNotEnough() throws {
        let root = try Harness.fixture("glibc-compat")
        let first = try Harness.run(["build", "--product", "cxxstatic"], in: root)
        try #require(first.status == 0, "\(first.standardError)")
        #expect(
            first.standardError.contains(
                "glibc-compat: cxxstatic needs libstdc++ symbols with no version within provided.al2023's ceilings (std::__glibcxx_assert_fail(char const*, int, char const*, char const*)); relinking it with a static libstdc++"
            ))
        #expect(first.standardOutput.contains("libstdc++ linked statically"))
        #expect(first.standardOutput.contains("checks passed; needs GLIBC_2.34, no libstdc++"))
        let bootstrap = "\(root)/target/lambda/cxxstatic/bootstrap"
        let file = try ELFFile(contentsOf: bootstrap)
        #expect(!file.needed.contains("libstdc++.so.6"))
        #expect(try Self.highest("GLIBC", bootstrap) == "GLIBC_2.34")
        // libstdc++.a's random_device wants arc4random@GLIBC_2.36: the shim's fallback answers instead.
        #expect(!(try Self.imports(bootstrap)).contains { $0.hasPrefix("arc4random") })
        #expect(try Harness.runProcess(bootstrap, [], in: root).standardOutput == "sum 45 random varies\n")
        // The private directory is empty again; the next build keeps the static binary as it is.
        #expect(Harness.contents(of: "\(root)/.build/swift-lambda/compat/\(Self.triple)/lib") == [])
        let second = try Harness.run(["build", "--product", "cxxstatic"], in: root)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(!second.standardError.contains("relinking"))
        #expect(second.standardOutput.contains("libstdc++ linked statically"))
    }

    static var triple: String {
        #if arch(arm64)
            "aarch64-unknown-linux-gnu"
        #else
            "x86_64-unknown-linux-gnu"
        #endif
    }

    @Test func theFlagIsRefusedWhereItCannotApplyAndShownInADryRun() throws {
        let root = try Harness.fixture("glibc-compat")
        let docker = try Harness.run(["build", "--glibc-compat", "--compiler", "docker", "--dry-run"], in: root)
        #expect(docker.status == 1)
        #expect(
            docker.standardError.contains(
                "error: --glibc-compat does not apply here: --compiler docker links against the runtime image's own glibc; drop --glibc-compat"
            ))
        let musl = try Harness.run(
            ["build", "--glibc-compat", "--compiler", "swift-sdk", "--target", Self.musl, "--dry-run"], in: root)
        #expect(musl.status == 1)
        #expect(
            musl.standardError.contains(
                "\(Self.musl) links musl statically, with no glibc to be compatible with; drop --glibc-compat"))
        // Neither is an error when not asked for explicitly.
        #expect(try Harness.run(["build", "--compiler", "docker", "--dry-run"], in: root).status == 0)
        let help = try Harness.run(["build", "--help"], in: root)
        #expect(help.standardOutput.contains("--glibc-compat/--no-glibc-compat"))
        if Self.hostIsNewer {
            let dry = try Harness.run(["build", "--dry-run", "--product", "mathfn", "-v"], in: root)
            #expect(dry.status == 0)
            #expect(dry.standardError.contains("(not built (dry run))"))
            #expect(
                dry.standardOutput.contains(
                    "-Xswiftc -L\(root)/.build/swift-lambda/compat/\(Self.triple)/lib -Xlinker \(root)/.build/swift-lambda/compat/"
                ))
            #expect(!FileManager.default.fileExists(atPath: "\(root)/.build/swift-lambda"))
        }
    }
}
