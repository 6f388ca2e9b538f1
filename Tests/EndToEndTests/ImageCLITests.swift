import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LambdaTestSupport
import Testing

/// `build --output-format image` on a copy of the shared release build of the Examples (its
/// `.build` comes along, so only the links change: an image needs no glibc compatibility), read
/// back by skopeo, umoci and bsdtar, run from its own files under chroot, with `invoke --image`
/// and in podman, pushed to a real registry.
actor SharedImageBuild {
    static let shared = SharedImageBuild()

    struct Built {
        var packageRoot: String
        var result: CLIResult
        /// The JSON line of each artifact, by name.
        var artifacts: [String: String]
        var lambdaDirectory: String { "\(packageRoot)/target/lambda" }

        func image(_ name: String) throws -> [String: Any] {
            let line = try #require(artifacts[name], "no artifact line for \(name)")
            return try #require(try ImageCLITestsJSON.object(line)["image"] as? [String: Any], "no image for \(name): \(line)")
        }
    }

    private var task: Task<Built, any Error>?

    func built() async throws -> Built {
        if let task { return try await task.value }
        let task = Task {
            let examples = try await SharedExamplesBuild.shared.built()
            // With its .build: the scratch path is relative (/proc/self/cwd), so nothing is compiled again.
            let root = "\(try Harness.temporaryDirectory(prefix: "images"))/Examples"
            try FileManager.default.copyItem(atPath: examples.packageRoot, toPath: root)
            try? FileManager.default.removeItem(atPath: "\(root)/target")
            let result = try await Harness.runOffThePool(
                ["build", "--release", "--output-format", "image", "--message-format", "json"], in: root)
            var artifacts: [String: String] = [:]
            for line in result.standardOutput.split(separator: "\n") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["reason"] as? String == "artifact", let name = object["name"] as? String
                {
                    artifacts[name] = String(line)
                }
            }
            return Built(packageRoot: root, result: result, artifacts: artifacts)
        }
        self.task = task
        return try await task.value
    }
}

enum ImageCLITestsJSON {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }
}

extension SharedExamplesSuites {
    @Suite struct ImageCLITests {
        static let functions = ["echo", "greeter", "quotes"]

        func built() async throws -> SharedImageBuild.Built {
            let built = try await SharedImageBuild.shared.built()
            try #require(built.result.status == 0, "the image build failed:\n\(built.result.standardError)")
            return built
        }

        /// A tool (skopeo, umoci, bsdtar, gcc) on a thread of its own, as `Harness.runOffThePool`
        /// runs the CLI: waited for on one of the few cooperative threads, it would starve the
        /// loopback servers of the suites running beside it.
        static func tool(_ arguments: [String], in directory: String = "/") async throws -> CLIResult {
            try await withCheckedThrowingContinuation { continuation in
                Thread {
                    continuation.resume(with: Result { try Harness.runProcess("/usr/bin/env", arguments, in: directory) })
                }.start()
            }
        }

        static func json(_ text: String) throws -> [String: Any] { try ImageCLITestsJSON.object(text) }

        /// The image's layout and layers as independent tools read them.
        @Test func everyImageIsReadBackBySkopeoUmociAndBsdtar() async throws {
            let built = try await built()
            var systemLayers: [String: String] = [:]
            for name in Self.functions {
                let archive = "\(built.lambdaDirectory)/\(name)/image.tar"
                #expect(Harness.contents(of: "\(built.lambdaDirectory)/\(name)").contains("image.tar"))
                #expect(!Harness.contents(of: "\(built.lambdaDirectory)/\(name)").contains("bootstrap.zip"))
                let reported = try built.image(name)
                let inspect = try await Self.tool(["skopeo", "inspect", "oci-archive:\(archive)"])
                try #require(inspect.status == 0, "\(inspect.standardError)")
                let facts = try Self.json(inspect.standardOutput)
                #expect(facts["Digest"] as? String == reported["digest"] as? String)
                #expect(facts["Architecture"] as? String == "amd64" && facts["Os"] as? String == "linux")
                let layers = try #require(facts["Layers"] as? [String])
                #expect(layers.count == 2)
                systemLayers[name] = layers.first
                let config = try Self.json(try await Self.tool(["skopeo", "inspect", "--config", "oci-archive:\(archive)"]).standardOutput)
                let container = try #require(config["config"] as? [String: Any])
                #expect(container["Entrypoint"] as? [String] == ["/var/task/bootstrap"])
                #expect(container["WorkingDir"] as? String == "/var/task")
                let env = try #require(container["Env"] as? [String])
                #expect(env.contains("LAMBDA_TASK_ROOT=/var/task") && env.contains("LAMBDA_RUNTIME_DIR=/var/runtime"), "\(env)")
                #expect(env.contains { $0.hasPrefix("LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:") && $0.contains("x86_64-linux-gnu") }, "\(env)")
                #expect(config["created"] == nil && config["history"] == nil, "no time that varies: \(config.keys.sorted())")
                #expect(reported["reference"] as? String == "\(name):latest")

                // umoci unpacks what skopeo copies out of the archive.
                let work = try Harness.temporaryDirectory(prefix: "umoci-\(name)")
                let copy = try await Self.tool(["skopeo", "copy", "oci-archive:\(archive)", "oci:\(work)/layout:latest"])
                try #require(copy.status == 0, "\(copy.standardError)")
                let unpack = try await Self.tool(["umoci", "unpack", "--image", "\(work)/layout:latest", "\(work)/bundle"])
                try #require(unpack.status == 0, "\(unpack.standardError)")
                let rootfs = "\(work)/bundle/rootfs"
                #expect(try Harness.mode(of: "\(rootfs)/var/task/bootstrap") == 0o755)
                #expect(try Harness.mode(of: "\(rootfs)/tmp") & 0o7777 == 0o1777)
                #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(rootfs)/lib64") == "usr/lib64")
                #expect(FileManager.default.fileExists(atPath: "\(rootfs)/etc/ssl/certs/ca-certificates.crt"))
                for library in ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"] {
                    #expect(FileManager.default.fileExists(atPath: "\(rootfs)/usr/lib/x86_64-linux-gnu/\(library)"), "\(name): \(library)")
                }
                if name == "quotes" {
                    #expect(FileManager.default.fileExists(atPath: "\(rootfs)/var/task/Examples_QuoteBook.resources/quotes.txt"))
                    #expect(FileManager.default.fileExists(atPath: "\(rootfs)/var/task/NOTICE.txt"))
                }
                // Every layer entry: owner 0/0, 1980, in bsdtar's listing.
                for layer in layers {
                    let blob = "\(work)/layout/blobs/sha256/\(layer.dropFirst("sha256:".count))"
                    let listing = try await Self.tool(["bsdtar", "-tvzf", blob, "--numeric-owner"])
                    try #require(listing.status == 0, "\(listing.standardError)")
                    for line in listing.standardOutput.split(separator: "\n") {
                        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                        #expect(fields.count > 6 && fields[2] == "0" && fields[3] == "0", "owner of \(line)")
                        #expect(line.contains("Jan  1  1980"), "time of \(line)")
                    }
                }
            }
            // One closure, one system layer: a registry stores it once for all three.
            #expect(Set(systemLayers.values).count == 1, "\(systemLayers)")
            // The issue's goal for the smallest function: at most 6 MB of layers.
            let echo = try built.image("echo")
            #expect((echo["compressed_size"] as? Int ?? .max) <= 6_000_000, "\(echo)")
        }

        /// Each image's root, as umoci unpacks it, entered with chroot: nothing but its own files.
        @Test func everyImageRunsFromItsOwnFilesUnderChroot() async throws {
            let built = try await built()
            let events = [
                "echo": (#"{"x":1}"#, #"{"x":1}"#),
                "greeter": (#"{"name":"Image"}"#, #"{"greeting":"Hello, Image!","length":5}"#),
            ]
            for name in Self.functions {
                let archive = "\(built.lambdaDirectory)/\(name)/image.tar"
                let work = try Harness.temporaryDirectory(prefix: "chroot-\(name)")
                try #require(try await Self.tool(["skopeo", "copy", "oci-archive:\(archive)", "oci:\(work)/layout:latest"]).status == 0)
                try #require(try await Self.tool(["umoci", "unpack", "--image", "\(work)/layout:latest", "\(work)/bundle"]).status == 0)
                let config = try Self.json(try await Self.tool(["skopeo", "inspect", "--config", "oci-archive:\(archive)"]).standardOutput)
                let env = try #require((config["config"] as? [String: Any])?["Env"] as? [String])
                let libraryPath = try #require(env.first { $0.hasPrefix("LD_LIBRARY_PATH=") })
                // Lambda gives a function /proc (Swift reads its arguments there): mounted in a
                // mount namespace of the launcher's own, so it goes when the function does.
                let rootfs = "\(work)/bundle/rootfs"
                try FileManager.default.createDirectory(atPath: "\(rootfs)/proc", withIntermediateDirectories: true)
                let launcher = try Harness.temporaryDirectory(prefix: "launcher-\(name)")
                try """
                    #!/bin/sh
                    export \(libraryPath)
                    exec /usr/bin/unshare --mount --propagation private -- /bin/sh -c \
                        'mount -t proc proc \(rootfs)/proc && cd \(rootfs)/var/task && exec /usr/sbin/chroot \(rootfs) /var/task/bootstrap'

                    """.write(toFile: "\(launcher)/bootstrap", atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(launcher)/bootstrap")
                let (event, expected) = events[name] ?? (#"{"index":1}"#, "")
                let (outcome, output) = try await LocalInvocation.invoke(taskRoot: launcher, event: Array(event.utf8))
                guard case .response(let bytes) = outcome else {
                    Issue.record("\(name) under chroot: \(outcome)\n\(output)")
                    continue
                }
                let answer = String(decoding: bytes, as: UTF8.self)
                if name == "quotes" {
                    // From its resource bundle, inside the image.
                    #expect(answer.hasPrefix(#"{"index":1,"quote":"#), "\(answer)")
                } else {
                    #expect(answer == expected, "\(name): \(answer)\n\(output)")
                }
            }
        }

        /// `invoke --image`: unpacked and run through the image's own loader, then removed.
        @Test func invokeImageRunsTheImageThroughItsOwnLoader() async throws {
            let built = try await built()
            let run = try await Harness.runOffThePool(["invoke", "quotes", "--image", "--data", #"{"index":2}"#, "-v"], in: built.packageRoot)
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardOutput.hasPrefix(#"{"index":2,"quote":"#), "\(run.standardOutput)")
            let starting = try #require(run.standardError.split(separator: "\n").first { $0.hasPrefix("Starting quotes: ") })
            let words = starting.split(separator: " ").map(String.init)
            let loader = words[2]
            #expect(loader.hasSuffix("/root/var/task/.swift-lambda-loader"), "\(starting)")
            #expect(Array(words[3...4]) == ["--inhibit-cache", "--library-path"], "\(starting)")
            let root = String(loader.dropLast("/var/task/.swift-lambda-loader".count))
            #expect(words[5].split(separator: ":").allSatisfy { $0.hasPrefix(root) }, "only the image's directories: \(starting)")
            #expect(!FileManager.default.fileExists(atPath: root), "the unpacked image is removed afterwards")

            let missing = try await Harness.runOffThePool(["invoke", "echo", "--image", "--lambda-dir", "\(built.packageRoot)/nowhere"], in: built.packageRoot)
            #expect(missing.status != 0)
            #expect(missing.standardError.contains("error: no image of echo at "), "\(missing.standardError)")
            let both = try await Harness.runOffThePool(["invoke", "echo", "--image", "--zip"], in: built.packageRoot)
            #expect(both.status == 64 && both.standardError.contains("--image and --zip each name what to run"), "\(both.standardError)")
        }

        /// `serve NAME --image`: the image kept warm behind the emulator, answering the invoke API.
        @Test func serveImageKeepsTheImageWarm() async throws {
            let built = try await built()
            let serve = try BackgroundCLI(["serve", "echo", "--image", "--port", "0"], in: built.packageRoot)
            defer { if serve.process.isRunning { kill(serve.pid, SIGKILL) } }
            let endpoint = try await serve.endpoint()
            let port = try #require(Int(endpoint.split(separator: ":").last ?? ""))
            for body in [#"{"n":1}"#, #"{"n":2}"#] {
                let answer = try await RawHTTP.request("POST", "/2015-03-31/functions/echo/invocations", port: port, body: Array(body.utf8))
                #expect(answer.status == 200 && answer.text == body, "\(answer.text)\n\(serve.standardError)")
            }
            #expect(serve.standardError.components(separatedBy: "Init Duration").count == 2, "one cold start: \(serve.standardError)")
            #expect(try await serve.interrupt() == 0)
        }

        /// `--container-cli podman`, with the settings that make podman run here (REFERENCE.md section 4).
        @Test func invokeImageRunsInPodman() async throws {
            let built = try await built()
            let state = try Harness.temporaryDirectory(prefix: "podman")
            try """
                [containers]
                default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"

                """.write(toFile: "\(state)/containers.conf", atomically: true, encoding: .utf8)
            try """
                [storage]
                driver = "vfs"
                runroot = "\(state)/run"
                graphroot = "\(state)/graph"

                """.write(toFile: "\(state)/storage.conf", atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment
            environment["CONTAINERS_CONF"] = "\(state)/containers.conf"
            environment["CONTAINERS_STORAGE_CONF"] = "\(state)/storage.conf"
            defer {
                _ = try? TestCommand.run("/usr/bin/env", ["podman", "rmi", "--all", "--force"], in: "/", environment: environment)
            }
            let run = try await Harness.runOffThePool(
                ["invoke", "greeter", "--image", "--container-cli", "podman", "--data", #"{"name":"Pod"}"#], in: built.packageRoot,
                environment: environment)
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardOutput == #"{"greeting":"Hello, Pod!","length":3}"# + "\n", "\(run.standardOutput)\n\(run.standardError)")
        }

        /// `watch --image`: every function built as an image and served from its unpacked root;
        /// Ctrl-C removes the roots.
        @Test func watchImageServesEachFunctionFromItsImage() async throws {
            let built = try await built()
            let watch = try BackgroundCLI(["watch", "--release", "--image", "--no-reload", "--port", "0", "-v"], in: built.packageRoot)
            defer { if watch.process.isRunning { kill(watch.pid, SIGKILL) } }
            let listening = try await watch.waitForLine(within: .seconds(300)) { $0.hasPrefix("watch: 3 functions on http://") }
            let port = try #require(Int(listening.split(separator: ":").last?.split(separator: " ").first ?? ""))
            let answer = try await RawHTTP.request(
                "POST", "/2015-03-31/functions/quotes/invocations", port: port, body: Array(#"{"index":3}"#.utf8))
            #expect(answer.status == 200 && answer.text.hasPrefix(#"{"index":3,"quote":"#), "\(answer.text)\n\(watch.standardError)")
            let starting = try await watch.waitForLine { $0.contains("Starting quotes: ") && $0.contains("/.swift-lambda-loader ") }
            let loader = try #require(starting.split(separator: " ").first { $0.hasSuffix("/var/task/.swift-lambda-loader") })
            let root = String(loader.dropLast("/root/var/task/.swift-lambda-loader".count))
            #expect(FileManager.default.fileExists(atPath: root))
            #expect(try await watch.interrupt() == 130, "\(watch.standardError)")
            #expect(!FileManager.default.fileExists(atPath: root), "the unpacked image goes with watch: \(root)")
        }

        /// A push to a real registry, read back with skopeo; a second push uploads no blob.
        @Test func pushesToARegistryAndASecondPushUploadsNothing() async throws {
            let built = try await built()
            try await RegistryServer.with { registry in
                let push = ["build", "--release", "--output-format", "image", "--product", "echo", "--push", "\(registry.address)/team"]
                let first = try await Harness.runOffThePool(push, in: built.packageRoot)
                #expect(first.status == 0, "\(first.standardError)")
                #expect(first.standardError.contains("(3 of 3 blobs uploaded"), "\(first.standardError)")
                let digest = try #require(try built.image("echo")["digest"] as? String)
                #expect(first.standardOutput.contains("pushed \(registry.address)/team/echo@\(digest)"), "\(first.standardOutput)")
                let inspect = try await Self.tool(["skopeo", "inspect", "--tls-verify=false", "docker://\(registry.address)/team/echo:latest"])
                try #require(inspect.status == 0, "\(inspect.standardError)")
                #expect(try Self.json(inspect.standardOutput)["Digest"] as? String == digest)

                let second = try await Harness.runOffThePool(push, in: built.packageRoot)
                #expect(second.status == 0, "\(second.standardError)")
                #expect(second.standardError.contains("(0 of 3 blobs uploaded"), "\(second.standardError)")
            }
        }

        /// Bad input: one line each, and what was written stays as it was.
        @Test func badInputIsOneLineAndLeavesTheImagesAlone() async throws {
            let built = try await built()
            let echo = "\(built.lambdaDirectory)/echo/image.tar"
            let before = try Data(contentsOf: URL(fileURLWithPath: echo))

            let malformed = try await Harness.runOffThePool(["build", "--release", "--output-format", "image", "--push", "Foo Bar"], in: built.packageRoot)
            #expect(malformed.status == 1)
            #expect(
                DeployFacts.errorLines(malformed.standardError) == [
                    "error: --push 'Foo Bar': 'Foo Bar' is not a registry host; give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team"
                ], "\(malformed.standardError)")
            #expect(!malformed.standardError.contains("Building"), "refused before compiling")

            // Nothing listens on the port: the images are written, the push fails in one line.
            let port = try MotoServer.freePort()
            let refused = try await Harness.runOffThePool(
                ["build", "--release", "--output-format", "image", "--product", "echo", "--push", "127.0.0.1:\(port)"], in: built.packageRoot)
            #expect(refused.status == 1)
            let lines = DeployFacts.errorLines(refused.standardError)
            #expect(lines.count == 1 && lines[0].contains("127.0.0.1:\(port)"), "\(refused.standardError)")
            let unchanged = try Data(contentsOf: URL(fileURLWithPath: echo)) == before
            #expect(unchanged, "the same build gives the same image.tar")

            let layer = try await Harness.runOffThePool(["build", "--release", "--output-format", "image", "--extension", "--product", "echo"], in: built.packageRoot)
            #expect(layer.status == 1)
            #expect(
                DeployFacts.errorLines(layer.standardError) == [
                    "error: echo is an extension, and Lambda runs no extension images; build it with --output-format zip (a layer) and give the functions --output-format image"
                ], "\(layer.standardError)")
            #expect(!FileManager.default.fileExists(atPath: "\(built.lambdaDirectory)/extensions"))
        }

        /// A library found at link time (-L) but not where the loader looks: the closure cannot be
        /// made, so nothing is written.
        @Test func aLibraryTheLoaderCannotFindIsOneLineAndNothingIsWritten() async throws {
            let root = try Harness.fixture("tiny")
            let libraries = try Harness.temporaryDirectory(prefix: "extra-lib")
            try "int extra(void) { return 1; }\n".write(toFile: "\(libraries)/extra.c", atomically: true, encoding: .utf8)
            let compiled = try await Self.tool(
                ["gcc", "-shared", "-fPIC", "-Wl,-soname,libextra.so.1", "-o", "\(libraries)/libextra.so", "\(libraries)/extra.c"])
            try #require(compiled.status == 0, "\(compiled.standardError)")
            let result = try await Harness.runOffThePool(
                ["build", "--release", "--output-format", "image", "--product", "Hello", "-Xlinker", "-L\(libraries)", "-Xlinker", "--no-as-needed",
                 "-Xlinker", "-lextra"], in: root)
            #expect(result.status == 1)
            let lines = DeployFacts.errorLines(result.standardError)
            #expect(lines.count == 1 && lines[0].hasPrefix("error: image: libextra.so.1 (needed by /var/task/bootstrap) is not in / for x86_64"), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: "\(root)/target/lambda/Hello"))
        }

        /// An image whose inputs and system layer are as the last run left them is not written
        /// again: the same file (inode and time), the same digest, checked again all the same.
        /// Changing what the system layer holds (here: no CA bundle) writes it again. In a lambda
        /// directory of its own, so the other tests' images are not touched.
        @Test func anUnchangedImageIsNotWrittenAgain() async throws {
            let built = try await built()
            let directory = try Harness.temporaryDirectory(prefix: "image-up-to-date")
            let build = ["build", "--release", "--output-format", "image", "--product", "echo", "--lambda-dir", directory, "--message-format", "json", "-v"]
            func artifact(_ result: CLIResult) throws -> [String: Any] {
                let line = try #require(result.standardOutput.split(separator: "\n").first { $0.contains(#""reason":"artifact""#) })
                return try Self.json(String(line))
            }
            func digest(_ result: CLIResult) throws -> String? {
                (try artifact(result)["image"] as? [String: Any])?["digest"] as? String
            }
            func stamp() throws -> [String] {
                let attributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/echo/image.tar")
                return ["\(attributes[.systemFileNumber] ?? "")", "\(attributes[.modificationDate] ?? "")"]
            }
            let first = try await Harness.runOffThePool(build, in: built.packageRoot)
            try #require(first.status == 0, "\(first.standardError)")
            #expect(!first.standardError.contains("Up to date"), "\(first.standardError)")
            let written = try stamp()

            let second = try await Harness.runOffThePool(build, in: built.packageRoot)
            try #require(second.status == 0, "\(second.standardError)")
            #expect(second.standardError.contains("Up to date, not rewritten: echo"), "\(second.standardError)")
            let checks = try artifact(second)["checks"] as? [String: Any]
            #expect(checks?["passed"] as? Bool == true && (checks?["libraries"] as? [Any])?.isEmpty == false, "\(second.standardOutput)")
            #expect(try stamp() == written)
            #expect(try digest(second) == digest(first))
            #expect(try digest(first) == (try built.image("echo")["digest"] as? String))

            let third = try await Harness.runOffThePool(build + ["--no-ca-certificates"], in: built.packageRoot)
            try #require(third.status == 0, "\(third.standardError)")
            #expect(!third.standardError.contains("Up to date"), "\(third.standardError)")
            #expect(try stamp() != written)
            #expect(try digest(third) != digest(first))
        }

        /// The same commit in another directory, built from nothing: the same digests.
        @Test func anotherCheckoutBuildsTheSameImage() async throws {
            let built = try await built()
            let elsewhere = try Harness.copyPackage(
                "\(Harness.repositoryRoot)/Examples", to: "\(try Harness.temporaryDirectory(prefix: "elsewhere"))/a/b/Examples")
            let result = try await Harness.runOffThePool(
                ["build", "--release", "--output-format", "image", "--product", "echo", "--message-format", "json"], in: elsewhere)
            try #require(result.status == 0, "\(result.standardError)")
            let line = try #require(result.standardOutput.split(separator: "\n").first { $0.contains(#""reason":"artifact""#) })
            let image = try #require(try Self.json(String(line))["image"] as? [String: Any])
            #expect(image["digest"] as? String == (try built.image("echo")["digest"] as? String))
            let first = try Data(contentsOf: URL(fileURLWithPath: "\(built.lambdaDirectory)/echo/image.tar"))
            let second = try Data(contentsOf: URL(fileURLWithPath: "\(elsewhere)/target/lambda/echo/image.tar"))
            let same = first == second
            #expect(same, "image.tar byte for byte")
        }
    }
}
