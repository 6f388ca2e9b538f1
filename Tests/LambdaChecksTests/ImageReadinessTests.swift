import BuildPlanner
import ELFKit
import Foundation
import LambdaChecks
import Testing

/// The image check on real closures, each made to lack one thing.
@Suite struct ImageReadinessTests {
    /// `libv.so.1` twice: `new/` defines V_1 (`f1`) and V_2 (`f2`), `old/` only V_1; and `prog`,
    /// linked against the new one, calling `f2`.
    static func versionedLibraries() throws -> (directory: String, program: String) {
        let directory = try ImageFixture.temporaryDirectory("image-versions")
        for name in ["old", "new"] {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(name)", withIntermediateDirectories: true)
        }
        try "V_1 { global: f1; local: *; };\n".write(toFile: "\(directory)/old.map", atomically: true, encoding: .utf8)
        try "V_1 { global: f1; local: *; };\nV_2 { global: f2; } V_1;\n".write(
            toFile: "\(directory)/new.map", atomically: true, encoding: .utf8)
        try "int f1(void) { return 1; }\n".write(toFile: "\(directory)/old.c", atomically: true, encoding: .utf8)
        try "int f1(void) { return 1; }\nint f2(void) { return 2; }\n".write(
            toFile: "\(directory)/new.c", atomically: true, encoding: .utf8)
        try "int f2(void); int main(void) { return f2(); }\n".write(
            toFile: "\(directory)/main.c", atomically: true, encoding: .utf8)
        for name in ["old", "new"] {
            try run(
                "/usr/bin/gcc",
                [
                    "-shared", "-fPIC", "-Wl,-soname,libv.so.1", "-Wl,--version-script,\(directory)/\(name).map",
                    "-o", "\(directory)/\(name)/libv.so.1", "\(directory)/\(name).c",
                ])
        }
        try run("/usr/bin/gcc", ["-o", "\(directory)/prog", "\(directory)/main.c", "\(directory)/new/libv.so.1"])
        return (directory, "\(directory)/prog")
    }

    static func facts(_ closure: ImageClosure, program: String, bytes: Int64 = 1000) throws -> ImageFacts {
        ImageFacts(
            closure: closure, executablePath: "/var/runtime/bootstrap", executable: try ELFFile(contentsOf: program),
            architecture: .x86_64, uncompressedBytes: bytes)
    }

    static func hostClosure(_ program: String, libraryPath: [String] = []) throws -> ImageClosure {
        try ImageClosure.resolve(
            executable: try ELFFile(contentsOf: program), at: program, root: "/", architecture: .x86_64,
            libraryPath: libraryPath)
    }

    /// `closure` without the entry at `path` (and what it was, for the objects).
    static func removing(_ path: String, from closure: ImageClosure) -> ImageClosure {
        var changed = closure
        changed.entries.removeAll { $0.path == path }
        changed.objects[path] = nil
        return changed
    }

    @Test func aCompleteClosurePassesAndLosingALibraryOrTheLoaderIsFound() throws {
        let program = try Fixtures.build("ready.cpp", ImageFixture.cxx, compiler: "g++")
        let closure = try Self.hostClosure(program)
        let report = ImageReadiness.evaluate(try Self.facts(closure, program: program), architecture: .x86_64)
        #expect(report.passed && report.findings.isEmpty, "\(report.findings)")
        #expect(report.libraries.allSatisfy(\.bundled) && report.libraries.map(\.soname).contains("libstdc++.so.6"))
        // No ceiling: a GLIBC_2.34 need passes, as the image brings that glibc.
        #expect(report.highestGLIBC.flatMap(SymbolVersion.init).map { $0 >= SymbolVersion("GLIBC_2.34")! } == true)

        let libstdcxx = try #require(closure.objects.keys.first { $0.contains("libstdc++.so.6.") })
        let withoutLibstdcxx = ImageReadiness.evaluate(
            try Self.facts(Self.removing(libstdcxx, from: closure), program: program), architecture: .x86_64)
        let missing = try #require(withoutLibstdcxx.errors.first)
        #expect(withoutLibstdcxx.errors.count == 1)
        guard case .imageLibraryMissing("/var/runtime/bootstrap", "libstdc++.so.6", let searched) = missing.kind else {
            Issue.record("\(missing)")
            return
        }
        #expect(searched == ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"])
        #expect(
            missing.description
                == "/var/runtime/bootstrap needs libstdc++.so.6, which is not in the image (searched /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib); add it to the image with its directory in LD_LIBRARY_PATH"
        )

        let loader = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
        #expect(closure.objects[loader] != nil)
        let withoutLoader = ImageReadiness.evaluate(
            try Self.facts(Self.removing(loader, from: closure), program: program), architecture: .x86_64)
        #expect(
            withoutLoader.errors.map(\.kind).contains(
                .imageInterpreterMissing(object: "/var/runtime/bootstrap", interpreter: "/lib64/ld-linux-x86-64.so.2")))
        // libc.so.6 needs the loader by its soname, and so it is missing for libc too.
        #expect(
            withoutLoader.errors.contains {
                if case .imageLibraryMissing(_, "ld-linux-x86-64.so.2", _) = $0.kind { true } else { false }
            })
    }

    @Test func aLibraryThatDoesNotDefineTheNeededVersionIsFound() throws {
        let (directory, program) = try Self.versionedLibraries()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try ELFFile(contentsOf: program)
        #expect(file.versionNeeds.first { $0.library == "libv.so.1" }?.versions.map(\.name) == ["V_2"])
        let good = ImageReadiness.evaluate(
            try Self.facts(try Self.hostClosure(program, libraryPath: ["\(directory)/new"]), program: program),
            architecture: .x86_64)
        #expect(good.passed, "\(good.findings)")
        // The closure takes what the search finds; the check sees that it lacks V_2.
        let old = try Self.hostClosure(program, libraryPath: ["\(directory)/old"])
        let report = ImageReadiness.evaluate(try Self.facts(old, program: program), architecture: .x86_64)
        #expect(
            report.errors == [
                Finding(
                    severity: .error,
                    kind: .imageVersionMissing(
                        object: "/var/runtime/bootstrap", library: "libv.so.1", provider: "\(directory)/old/libv.so.1",
                        version: "V_2", symbols: ["f2"]))
            ])
        #expect(
            report.errors[0].description
                == "/var/runtime/bootstrap needs V_2 from libv.so.1, which the image's \(directory)/old/libv.so.1 does not define (for f2); put the libv.so.1 it was linked against in the image"
        )
    }

    @Test func anObjectOfAnotherArchitectureIsFound() throws {
        let (directory, program) = try Self.versionedLibraries()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var closure = try Self.hostClosure(program, libraryPath: ["\(directory)/new"])
        try run(
            "/usr/bin/aarch64-linux-gnu-gcc",
            [
                "-shared", "-fPIC", "-Wl,-soname,libv.so.1", "-o", "\(directory)/arm-libv.so.1", "\(directory)/new.c",
            ])
        closure.objects["\(directory)/new/libv.so.1"] = try ELFFile(contentsOf: "\(directory)/arm-libv.so.1")
        let report = ImageReadiness.evaluate(try Self.facts(closure, program: program), architecture: .x86_64)
        #expect(
            report.errors.first
                == Finding(
                    severity: .error,
                    kind: .imageArchitecture(
                        object: "\(directory)/new/libv.so.1", found: ELFMachine.aarch64.description, expected: "x86_64")
                ))
        // The loader passes over it, so the program's need is unmet too.
        #expect(
            report.errors.contains {
                if case .imageLibraryMissing("/var/runtime/bootstrap", "libv.so.1", _) = $0.kind { true } else { false }
            })
        // The whole image checked for arm64 instead: the x86_64 executable and libraries are named.
        let arm = ImageReadiness.evaluate(try Self.facts(closure, program: program), architecture: .aarch64)
        #expect(
            arm.errors.contains(
                Finding(
                    severity: .error,
                    kind: .imageArchitecture(
                        object: "/var/runtime/bootstrap", found: ELFMachine.x86_64.description, expected: "arm64"))))
    }

    @Test func theSizeLimitIsLambdasTenGigabytes() throws {
        let program = try Fixtures.build("ready-size.c", Fixtures.plain, compiler: "gcc")
        let closure = try Self.hostClosure(program)
        #expect(ImageLimits.uncompressedBytes == 10_737_418_240)
        let atLimit = ImageReadiness.evaluate(
            try Self.facts(closure, program: program, bytes: ImageLimits.uncompressedBytes), architecture: .x86_64)
        #expect(atLimit.passed, "\(atLimit.findings)")
        let over = ImageReadiness.evaluate(
            try Self.facts(closure, program: program, bytes: ImageLimits.uncompressedBytes + 1), architecture: .x86_64)
        #expect(
            over.errors == [
                Finding(
                    severity: .error,
                    kind: .imageTooLarge(bytes: ImageLimits.uncompressedBytes + 1, limit: ImageLimits.uncompressedBytes)
                )
            ])
        #expect(
            over.errors[0].description.hasPrefix(
                "image is 10737418241 bytes uncompressed, over Lambda's 10737418240-byte limit for container images; "))
    }

    /// The image is read as the loader inside it reads it: `..` stops at the root, an absolute
    /// target names a path in the image, links that loop lead nowhere.
    @Test func linksAreReadInsideTheImage() throws {
        let program = try Fixtures.build("ready-links.c", Fixtures.plain, compiler: "gcc")
        let executable = try ELFFile(contentsOf: program)
        let libc = try ELFFile(contentsOf: "/lib/x86_64-linux-gnu/libc.so.6")
        let loader = try ELFFile(contentsOf: "/lib64/ld-linux-x86-64.so.2")
        func report(_ links: [ImageEntry]) -> ReadinessReport {
            let entries =
                [
                    ImageEntry(path: "/real", kind: .directory),
                    ImageEntry(path: "/real/libc.so.6", kind: .file(source: "/lib/x86_64-linux-gnu/libc.so.6")),
                    ImageEntry(path: "/real/ld.so", kind: .file(source: "/lib64/ld-linux-x86-64.so.2")),
                    ImageEntry(path: "/lib64", kind: .directory),
                    ImageEntry(path: "/lib64/ld-linux-x86-64.so.2", kind: .symlink(target: "/real/ld.so")),
                    ImageEntry(path: "/lib", kind: .directory),
                ] + links
            let facts = ImageFacts(
                executablePath: "/bootstrap", executable: executable, entries: entries.sorted(),
                objects: ["/real/libc.so.6": libc, "/real/ld.so": loader], libraryPath: [],
                defaultDirectories: ImageReadiness.loaderDirectories(for: .x86_64), uncompressedBytes: 1)
            return ImageReadiness.evaluate(facts, architecture: .x86_64)
        }
        let climbing = report([ImageEntry(path: "/lib/libc.so.6", kind: .symlink(target: "../../../../real/libc.so.6"))]
        )
        #expect(climbing.passed, "\(climbing.findings)")
        let looping = report([
            ImageEntry(path: "/lib/libc.so.6", kind: .symlink(target: "libc.so.7")),
            ImageEntry(path: "/lib/libc.so.7", kind: .symlink(target: "/lib/libc.so.6")),
        ])
        #expect(
            looping.errors.map(\.kind) == [
                .imageLibraryMissing(
                    object: "/bootstrap", soname: "libc.so.6", searched: ImageReadiness.loaderDirectories(for: .x86_64))
            ])
    }
}
