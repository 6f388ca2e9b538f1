import Foundation
import LambdaTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--bundle-libs` on a function that links libyaml, which no Lambda runtime provides.
@Suite struct BundleLibsTests {
    /// The fixture with the Examples' Runtime API client copied in beside it.
    static func yamlFixture() throws -> String {
        let root = try Harness.fixture("yaml")
        try FileManager.default.copyItem(
            atPath: "\(Harness.repositoryRoot)/Examples/Sources/LambdaRuntime", toPath: "\(root)/Sources/LambdaRuntime")
        return root
    }

    /// The host's libyaml, resolved through its symlink.
    static var hostLibyaml: String {
        URL(fileURLWithPath: "/usr/lib/x86_64-linux-gnu/libyaml-0.so.2").resolvingSymlinksInPath().path
    }

    @Test(.enabled(if: getuid() == 0, "runs the artifact in a chroot"))
    func theLibraryTravelsInLibAndTheArtifactRunsWithOnlyGlibcBesideIt() async throws {
        let root = try Self.yamlFixture()
        let lambda = "\(root)/target/lambda"

        // Without the flag the check names the library and the flag, and writes nothing.
        let plain = try Harness.run(["build", "--release", "--output-format", "zip"], in: root)
        #expect(plain.status == 1)
        #expect(plain.standardError.contains("error: yaml-count: needs libyaml-0.so.2, which the runtime does not provide; ship it with --bundle-libs"))
        #expect(plain.standardError.contains("ship the missing libraries (--bundle-libs)"))
        #expect(Harness.contents(of: lambda) == [])

        let bundled = try Harness.run(["build", "--release", "--output-format", "zip", "--bundle-libs"], in: root)
        #expect(bundled.status == 0, "\(bundled.standardError)")
        #expect(bundled.standardOutput.contains("checks passed; needs GLIBC_2.34, GLIBCXX_3.4.29; libraries: libyaml-0.so.2 (bundled), libm.so.6"))
        #expect(bundled.standardOutput.contains("bundled in lib/: libyaml-0.so.2"))

        // On disk: the real file under its own name and the SONAME link to it, as on the host.
        let artifact = "\(lambda)/yaml-count"
        let realName = (Self.hostLibyaml as NSString).lastPathComponent
        #expect(Harness.contents(of: "\(artifact)/lib") == ["libyaml-0.so.2", realName].sorted())
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(artifact)/lib/libyaml-0.so.2") == realName)
        #expect(FileManager.default.contents(atPath: "\(artifact)/lib/\(realName)") == FileManager.default.contents(atPath: Self.hostLibyaml))

        // In the zip, read back by Python: lib/, the file (0644) and the link (a symlink entry naming the file).
        let zipPath = "\(artifact)/bootstrap.zip"
        let listing = try Harness.runProcess("/usr/bin/env", ["python3", "-c", """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            for i in z.infolist():
                print(i.filename, oct(i.external_attr >> 16), z.read(i).decode() if (i.external_attr >> 16) & 0o170000 == 0o120000 else '')
            """, zipPath], in: root)
        #expect(listing.standardOutput == """
            bootstrap 0o100755 
            lib/ 0o40755 
            lib/libyaml-0.so.2 0o120777 \(realName)
            lib/\(realName) 0o100644 

            """, "\(listing.standardError)")

        // Unzipped as Lambda does into /var/task of a root that holds only the runtime's own
        // libraries in /lib64 (glibc, libstdc++, libgcc_s): no libyaml anywhere but lib/.
        let image = try Self.runtimeLikeRoot()
        let task = "\(image)/var/task"
        let unzip = try Harness.runProcess("/usr/bin/env", ["bsdtar", "-xf", zipPath, "-C", task], in: root)
        #expect(unzip.status == 0, "\(unzip.standardError)")
        // The task root handed to the emulator holds a bootstrap that enters the chroot with
        // Lambda's LD_LIBRARY_PATH; the Runtime API variables pass through.
        let launcher = try Harness.temporaryDirectory(prefix: "launcher")
        try """
            #!/bin/sh
            export LD_LIBRARY_PATH=/lib64:/usr/lib64:/var/task:/var/task/lib:/opt/lib
            exec /usr/sbin/chroot \(image) /var/task/bootstrap

            """.write(toFile: "\(launcher)/bootstrap", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(launcher)/bootstrap")
        let (outcome, output) = try await LocalInvocation.invoke(taskRoot: launcher, event: Array("a: [1, 2]\nb: c\n".utf8))
        #expect(outcome == .response(Array(#"{"scalars":5,"libyaml":"0.2.5"}"#.utf8)), "\(output)")

        // The control: without lib/ the same root cannot start it.
        try FileManager.default.removeItem(atPath: "\(task)/lib")
        await #expect {
            _ = try await LocalInvocation.invoke(taskRoot: launcher, event: Array("{}".utf8))
        } throws: { error in
            "\(error)".contains("libyaml-0.so.2: cannot open shared object file")
        }

        // As an extension, the libraries go to lib/ at the layer's root (/opt/lib).
        let layer = try Harness.run(["build", "--release", "--output-format", "zip", "--bundle-libs", "--extension"], in: root)
        #expect(layer.status == 0, "\(layer.standardError)")
        let layerListing = try Harness.runProcess("/usr/bin/env", ["zipinfo", "-1", "\(lambda)/extensions/yaml-count.zip"], in: root)
        #expect(layerListing.standardOutput.split(separator: "\n") == [
            "extensions/", "extensions/yaml-count", "lib/", "lib/libyaml-0.so.2", "lib/\(realName)",
        ])
        #expect(Harness.contents(of: "\(lambda)/lib") == ["libyaml-0.so.2", realName].sorted())
    }

    /// A directory standing for the provided.al2023 image: the host's copies of the libraries
    /// the runtime provides, in /lib64, and an empty /var/task.
    static func runtimeLikeRoot() throws -> String {
        let image = try Harness.temporaryDirectory(prefix: "image")
        let manager = FileManager.default
        try manager.createDirectory(atPath: "\(image)/lib64", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: "\(image)/var/task", withIntermediateDirectories: true)
        for name in ["ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"] {
            let source = URL(fileURLWithPath: "/lib/x86_64-linux-gnu/\(name)").resolvingSymlinksInPath().path
            try manager.copyItem(atPath: source, toPath: "\(image)/lib64/\(name)")
        }
        return image
    }
}
