import Foundation
import Testing

@testable import OCIImage

/// A two-layer Lambda-like image: a "system" layer (a directory symlink `lib64 -> usr/lib64`, an
/// empty sticky `tmp`, a library and a file) and a function layer (`var/task/bootstrap` and a
/// resource bundle). Inputs live in `scratch/in-<tag>`, with the on-disk modes and times the test
/// asks for, so two fixtures can differ in everything but content.
struct ImageFixture {
    let scratch: Scratch
    let inputs: String

    init(_ scratch: Scratch, inputs tag: String = "a", sourceTime: TimeInterval = 1_000_000_000) throws {
        self.scratch = scratch
        inputs = try scratch.directory("in-\(tag)")
        let files: [(String, String, Int)] = [
            ("libfake.so.1", "\u{7f}ELF pretend library\n", 0o755),
            ("os-release", "ID=swift-lambda-test\n", 0o600),
            ("bootstrap", "#!/bin/sh\necho hello\n", 0o700),
            ("config.json", #"{"greeting":"hi"}"#, 0o640),
        ]
        for (name, text, mode) in files {
            let path = try scratch.file("in-\(tag)/\(name)", text, mode: mode)
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: sourceTime)], ofItemAtPath: path)
        }
    }

    func input(_ name: String) -> String { inputs + "/" + name }

    var systemEntries: [LayerEntry] {
        [
            .file("usr/lib64/libfake.so.1", source: input("libfake.so.1"), executable: true),
            .symlink("lib64", target: "usr/lib64"),
            .directory("tmp", mode: 0o1777),
            .file("etc/os-release", source: input("os-release")),
        ]
    }

    var functionEntries: [LayerEntry] {
        [
            LayerEntry(.file("bootstrap", source: input("bootstrap"), executable: true), under: "var/task"),
            LayerEntry(.directory("Pkg_Target.resources"), under: "var/task"),
            LayerEntry(.file("Pkg_Target.resources/config.json", source: input("config.json")), under: "var/task"),
        ]
    }

    static let config = ContainerConfig(
        entrypoint: ["/var/task/bootstrap"], workingDir: "/var/task",
        env: ["PATH=/usr/bin:/bin", "LAMBDA_TASK_ROOT=/var/task"])

    /// Writes both layers and image.tar into `directory` (below the scratch root).
    func write(into directory: String, options: LayerOptions = LayerOptions(), reference: String = "hello:latest")
        throws -> ImageSummary
    {
        let out = try scratch.directory(directory)
        let system = try LayerWriter.write(systemEntries, to: out + "/system.tar.gz", options: options)
        let function = try LayerWriter.write(functionEntries, to: out + "/function.tar.gz", options: options)
        return try OCIArchiveWriter.write(
            layers: [system, function], architecture: .arm64, config: Self.config, reference: reference,
            to: out + "/image.tar", options: options)
    }

    /// The expected root file system: path -> "type mode [target | content]".
    static let expectedTree: [String: String] = [
        "etc": "d 755", "etc/os-release": "f 644 ID=swift-lambda-test\n",
        "lib64": "l usr/lib64", "tmp": "d 1777",
        "usr": "d 755", "usr/lib64": "d 755", "usr/lib64/libfake.so.1": "f 755 \u{7f}ELF pretend library\n",
        "var": "d 755", "var/task": "d 755", "var/task/bootstrap": "f 755 #!/bin/sh\necho hello\n",
        "var/task/Pkg_Target.resources": "d 755",
        "var/task/Pkg_Target.resources/config.json": #"f 644 {"greeting":"hi"}"#,
    ]
}

/// A directory tree as `path -> "type mode [target | content]"`, read with lstat (links not followed).
func fileTree(_ root: String) throws -> [String: String] {
    var tree: [String: String] = [:]
    func walk(_ relative: String) throws {
        let absolute = relative.isEmpty ? root : root + "/" + relative
        for name in try FileManager.default.contentsOfDirectory(atPath: absolute).sorted() {
            let path = relative.isEmpty ? name : relative + "/" + name
            var status = stat()
            guard lstat(root + "/" + path, &status) == 0 else { throw POSIXError(.ENOENT) }
            let mode = String(status.st_mode & 0o7777, radix: 8)
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                tree[path] = "d \(mode)"
                try walk(path)
            case S_IFLNK:
                tree[path] = "l " + (try FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + path))
            default:
                let text = String(
                    decoding: FileManager.default.contents(atPath: root + "/" + path) ?? Data(), as: UTF8.self)
                tree[path] = "f \(mode) \(text)"
            }
        }
    }
    try walk("")
    return tree
}
