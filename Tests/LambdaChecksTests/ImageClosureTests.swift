import BuildPlanner
import ELFKit
import Foundation
import LambdaChecks
import Testing

/// Image roots built from closures, and the processes run inside them.
enum ImageFixture {
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `entries` under `root` as an image layer would unpack them (sorted, so parents come first).
    static func materialise(_ entries: [ImageEntry], in root: String) throws {
        for entry in entries {
            let path = root + entry.path
            switch entry.kind {
            case .directory:
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            case .file(let source):
                try FileManager.default.copyItem(atPath: source, toPath: path)
            case .symlink(let target):
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
            }
        }
    }

    /// The closure and `program` (as `/name`) alone in an empty root, run there with chroot and
    /// the closure's `LD_LIBRARY_PATH`: proof the closure is complete. The root is removed after.
    static func runChrooted(_ closure: ImageClosure, program: String, as name: String) throws -> (status: Int32, output: String) {
        let root = try temporaryDirectory("image-root")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try materialise(closure.entries, in: root)
        try FileManager.default.copyItem(atPath: program, toPath: "\(root)/\(name)")
        return try run("/usr/sbin/chroot", [root, "/\(name)"], environment: ["LD_LIBRARY_PATH": closure.libraryPath])
    }

    /// Runs a command with exactly `environment`; its status and standard output.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The objects the host's loader loads for `program`, canonical (LD_TRACE_LOADED_OBJECTS, as ldd does).
    static func hostLoaded(_ program: String) throws -> Set<String> {
        let traced = try run(program, [], environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        #expect(traced.status == 0, "\(traced.output)")
        // "\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x...)", "\t/lib64/ld-linux-x86-64.so.2 (0x...)"
        return Set(
            traced.output.split(separator: "\n").compactMap { line -> String? in
                let path =
                    line.components(separatedBy: " => ").last?.trimmingCharacters(in: .whitespaces)
                    .components(separatedBy: " (").first ?? ""
                return path.hasPrefix("/") ? URL(fileURLWithPath: path).resolvingSymlinksInPath().path : nil
            })
    }

    static func sources(_ closure: ImageClosure) -> Set<String> {
        Set(
            closure.entries.compactMap { entry in
                if case .file(let source) = entry.kind {
                    URL(fileURLWithPath: source).resolvingSymlinksInPath().path
                } else {
                    nil
                }
            })
    }

    static func target(of path: String, in closure: ImageClosure) -> String? {
        closure.entries.first { $0.path == path }.flatMap {
            if case .symlink(let target) = $0.kind { target } else { nil }
        }
    }

    static let cxx = """
        #include <cmath>
        #include <iostream>
        #include <string>
        int main(int argc, char **) { std::string s = "closure"; std::cout << s << " " << std::sqrt(16.0 * argc) << std::endl; return 0; }
        """
}

@Suite struct ImageClosureTests {
    @Test func aCxxProgramsClosureIsWhatTheHostLoaderLoadsAndRunsChrooted() throws {
        let program = try Fixtures.build("closure.cpp", ImageFixture.cxx, compiler: "g++")
        let file = try ELFFile(contentsOf: program)
        let closure = try ImageClosure.resolve(executable: file, at: program, root: "/", architecture: .x86_64)
        #expect(ImageFixture.sources(closure) == (try ImageFixture.hostLoaded(program)))
        #expect(Set(file.needed).isSuperset(of: ["libstdc++.so.6", "libm.so.6", "libc.so.6"]))
        // The loader at its PT_INTERP path, through merged-/usr's links, all relative.
        #expect(file.interpreter == "/lib64/ld-linux-x86-64.so.2")
        #expect(ImageFixture.target(of: "/lib64", in: closure) == "usr/lib64")
        #expect(ImageFixture.target(of: "/lib", in: closure) == "usr/lib")
        #expect(
            ImageFixture.target(of: "/usr/lib64/ld-linux-x86-64.so.2", in: closure)
                == "../../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        let soname = try #require(ImageFixture.target(of: "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", in: closure))
        #expect(soname.hasPrefix("libstdc++.so.6.0."))
        #expect(closure.entries.contains(ImageEntry(path: "/usr/lib/x86_64-linux-gnu", kind: .directory)))
        #expect(
            closure.entries == closure.entries.sorted()
                && Set(closure.entries.map(\.path)).count == closure.entries.count)
        #expect(closure.libraryDirectories == ["/lib/x86_64-linux-gnu"])
        #expect(closure.libraryPath == "/lib/x86_64-linux-gnu")
        #expect(
            Set(closure.objects.keys)
                == Set(closure.entries.compactMap { if case .file = $0.kind { $0.path } else { nil } }))
        #expect(closure.fileBytes > 1_000_000)

        // Complete: the closure and the program alone run in an empty root.
        let ran = try ImageFixture.runChrooted(closure, program: program, as: "prog")
        #expect(ran.status == 0 && ran.output == "closure 4\n", "\(ran.output)")
    }

    @Test func runpathOriginAndSonameChainsOutsideTheDefaultsAreNamedInTheLibraryPath() throws {
        let (tree, executable) = try LibraryBundleTests.libraryTree(runpath: true)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        let closure = try ImageClosure.resolve(
            executable: try ELFFile(contentsOf: executable), at: executable, root: "/", architecture: .x86_64)
        let inner = URL(fileURLWithPath: "\(tree)/inner").resolvingSymlinksInPath().path
        #expect(ImageFixture.target(of: "\(inner)/libinner.so.1", in: closure) == "libinner.so.1.2")
        #expect(ImageFixture.target(of: "\(inner)/libinner.so.1.2", in: closure) == "libinner.so.1.2.3")
        #expect(closure.objects["\(inner)/libinner.so.1.2.3"] != nil)
        #expect(
            closure.libraryDirectories.contains("\(tree)/outer") && closure.libraryDirectories.contains("\(tree)/inner")
        )
        #expect(ImageFixture.sources(closure) == (try ImageFixture.hostLoaded(executable)))

        // outer() + sqrt(argc) = 42 + 1; found inside the image through LD_LIBRARY_PATH alone.
        let ran = try ImageFixture.runChrooted(closure, program: executable, as: "bootstrap")
        #expect(ran.status == 43, "\(ran.output)")
    }

    @Test func aSwiftExecutableWithAStaticStdlibRunsChrootedOnItsClosure() throws {
        let directory = try ImageFixture.temporaryDirectory("image-swift")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Not CommandLine.arguments: Swift reads them from /proc, which the chroot lacks.
        try "print(\"hello from swift\", [6, 7].reduce(1, *))\n".write(
            toFile: "\(directory)/hello.swift", atomically: true, encoding: .utf8)
        try run("/usr/bin/env", ["swiftc", "-static-stdlib", "-o", "\(directory)/hello", "\(directory)/hello.swift"])
        let program = "\(directory)/hello"
        let closure = try ImageClosure.resolve(
            executable: try ELFFile(contentsOf: program), at: program, root: "/", architecture: .x86_64)
        #expect(ImageFixture.sources(closure) == (try ImageFixture.hostLoaded(program)))
        #expect(
            Set(closure.objects.values.compactMap(\.soname)).isSuperset(of: [
                "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1",
            ]))
        let ran = try ImageFixture.runChrooted(closure, program: program, as: "bootstrap")
        #expect(ran.status == 0 && ran.output == "hello from swift 42\n", "\(ran.output)")
    }

    /// A sysroot as the host Swift SDK of the tests makes it: only links to the host's own
    /// directories (`lib -> /lib`), which inside the sysroot would loop.
    @Test func aSysrootOfLinksToTheHostGivesTheHostsFilesAtTheSysrootsPaths() throws {
        let program = try Fixtures.build("closure-sysroot.cpp", ImageFixture.cxx, compiler: "g++")
        let sysroot = try ImageFixture.temporaryDirectory("image-sysroot")
        defer { try? FileManager.default.removeItem(atPath: sysroot) }
        try FileManager.default.createDirectory(atPath: "\(sysroot)/usr/lib", withIntermediateDirectories: true)
        for path in ["/lib", "/lib64", "/usr/lib64", "/usr/lib/x86_64-linux-gnu"] {
            try FileManager.default.createSymbolicLink(atPath: sysroot + path, withDestinationPath: path)
        }
        let closure = try ImageClosure.resolve(
            executable: try ELFFile(contentsOf: program), at: program, root: sysroot, architecture: .x86_64)
        #expect(ImageFixture.sources(closure) == (try ImageFixture.hostLoaded(program)))
        #expect(closure.entries.contains(ImageEntry(path: "/lib64", kind: .directory)))
        #expect(
            ImageFixture.target(of: "/lib64/ld-linux-x86-64.so.2", in: closure)
                == "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        #expect(
            closure.entries.allSatisfy {
                if case .symlink(let target) = $0.kind { !target.hasPrefix("/") } else { true }
            })
        #expect(closure.libraryDirectories == ["/lib/x86_64-linux-gnu"])

        let ran = try ImageFixture.runChrooted(closure, program: program, as: "prog")
        #expect(ran.status == 0 && ran.output == "closure 4\n", "\(ran.output)")
    }

    @Test func anAarch64ProgramsClosureComesFromTheCrossRootAndRunsUnderQemu() throws {
        let program = try Fixtures.build(
            "closure-arm.c", Fixtures.hypot, compiler: "aarch64-linux-gnu-gcc", arguments: ["-lm"])
        let file = try ELFFile(contentsOf: program)
        let crossRoot = "/usr/aarch64-linux-gnu"
        let closure = try ImageClosure.resolve(executable: file, at: program, root: crossRoot, architecture: .aarch64)
        #expect(file.interpreter == "/lib/ld-linux-aarch64.so.1")
        #expect(
            closure.entries == [
                ImageEntry(path: "/lib", kind: .directory),
                ImageEntry(
                    path: "/lib/ld-linux-aarch64.so.1", kind: .file(source: "\(crossRoot)/lib/ld-linux-aarch64.so.1")),
                ImageEntry(path: "/lib/libc.so.6", kind: .file(source: "\(crossRoot)/lib/libc.so.6")),
                ImageEntry(path: "/lib/libm.so.6", kind: .file(source: "\(crossRoot)/lib/libm.so.6")),
            ])
        #expect(closure.objects.values.allSatisfy { $0.header.machine == .aarch64 })
        #expect(closure.libraryDirectories == ["/lib"])
        // Searching the host's root for aarch64 finds no C library: the loader is not there.
        #expect(
            throws: ImageClosureError.interpreterMissing(
                path: "/lib/ld-linux-aarch64.so.1", executable: program, root: "/")
        ) {
            try ImageClosure.resolve(executable: file, at: program, root: "/", architecture: .aarch64)
        }

        let qemu = "/usr/bin/qemu-aarch64"
        guard FileManager.default.isExecutableFile(atPath: qemu) else { return }
        let root = try ImageFixture.temporaryDirectory("image-arm")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ImageFixture.materialise(closure.entries, in: root)
        try FileManager.default.copyItem(atPath: program, toPath: "\(root)/prog")
        let ran = try ImageFixture.run(
            qemu, ["-L", root, "\(root)/prog"], environment: ["QEMU_SET_ENV": "LD_LIBRARY_PATH=\(closure.libraryPath)"])
        #expect(ran.status == 0 && ran.output == "2.236068\n", "\(ran.output)")
    }

    @Test func aStaticBinaryLoadsNothing() throws {
        let program = try Fixtures.build("closure-static.c", Fixtures.plain, compiler: "gcc", arguments: ["-static"])
        let file = try ELFFile(contentsOf: program)
        #expect(file.interpreter == nil && file.needed.isEmpty)
        let closure = try ImageClosure.resolve(executable: file, at: program, root: "/", architecture: .x86_64)
        #expect(
            closure.entries.isEmpty && closure.objects.isEmpty && closure.libraryPath.isEmpty && closure.fileBytes == 0)
    }

    @Test func aRemovedLibraryIsATypedErrorThatSaysWhatToDo() throws {
        let directory = try ImageFixture.temporaryDirectory("image-gone")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "int gone(void) { return 1; }\n".write(toFile: "\(directory)/gone.c", atomically: true, encoding: .utf8)
        try "int gone(void); int main(void) { return gone(); }\n".write(
            toFile: "\(directory)/main.c", atomically: true, encoding: .utf8)
        try run(
            "/usr/bin/gcc",
            ["-shared", "-fPIC", "-Wl,-soname,libgone.so.1", "-o", "\(directory)/libgone.so.1", "\(directory)/gone.c"])
        try run("/usr/bin/gcc", ["-o", "\(directory)/prog", "\(directory)/main.c", "\(directory)/libgone.so.1"])
        let file = try ELFFile(contentsOf: "\(directory)/prog")
        // Found while it is there and its directory is passed in; not once removed.
        let found = try ImageClosure.resolve(
            executable: file, at: "\(directory)/prog", root: "/", architecture: .x86_64, libraryPath: [directory])
        #expect(found.objects["\(directory)/libgone.so.1"] != nil)
        try FileManager.default.removeItem(atPath: "\(directory)/libgone.so.1")
        do {
            _ = try ImageClosure.resolve(
                executable: file, at: "\(directory)/prog", root: "/", architecture: .x86_64, libraryPath: [directory])
            Issue.record("a missing library resolved")
        } catch let error as ImageClosureError {
            guard case .libraryNotFound(let soname, let neededBy, let root, let machine, let searched) = error else {
                Issue.record("\(error)")
                return
            }
            #expect((soname, neededBy, root, machine) == ("libgone.so.1", "\(directory)/prog", "/", "x86_64"))
            #expect(searched.first == "\(directory)/libgone.so.1" && searched.contains("/usr/lib/libgone.so.1"))
            #expect(!error.description.contains("\n"))
            #expect(
                error.description.hasPrefix(
                    "image: libgone.so.1 (needed by \(directory)/prog) is not in / for x86_64 (searched as the loader would: \(directory), "
                ))
            #expect(
                error.description.hasSuffix(
                    "; install the package that provides it in that root, or pass its directory in the library path"))
        }
    }
}
