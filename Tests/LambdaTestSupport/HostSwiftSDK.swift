// A Swift SDK for the host's own triple, so tests of the `--compiler swift-sdk` backend run a real
// `swift build --swift-sdk <id> --swift-sdks-path <path>` on a machine without a downloaded SDK.
//
// The bundle is tiny: `info.json`, one `swift-sdk.json`, and a sysroot made only of symlinks to the
// host's `/lib`, `/lib64`, `/usr/include`, `/usr/lib/*`, with `usr/lib/swift` and
// `usr/lib/swift_static` pointing at the toolchain's resources. `swift sdk install` copies it
// (symlinks stay symlinks) into a private `--swift-sdks-path`, never into `~/.swiftpm`.
//
//     <directory>/host-x86_64-linux-gnu.artifactbundle/           the bundle as made
//         info.json
//         host-x86_64-linux-gnu/x86_64-unknown-linux-gnu/
//             swift-sdk.json
//             sysroot/{lib,lib64,usr/include,usr/lib/*} -> host, usr/lib/swift{,_static} -> toolchain
//     <directory>/swift-sdks/host-x86_64-linux-gnu.artifactbundle/ the installed copy (sdksPath)

import Foundation

/// A Swift SDK for the host triple, installed in a private `--swift-sdks-path`.
public struct HostSwiftSDK: Sendable {
    /// The SDK id for `--swift-sdk`, e.g. `host-x86_64-linux-gnu`. (`--swift-sdk <triple>` selects
    /// it too when it is the only SDK in `sdksPath` with that triple.)
    public let id: String
    /// The target triple it builds for: the host's, e.g. `x86_64-unknown-linux-gnu`.
    public let triple: String
    /// The directory to pass as `--swift-sdks-path`.
    public let sdksPath: String

    /// The installed SDK's sysroot: swiftc gets `-sdk <this>`, the linker `--sysroot=<this>`.
    public var sysrootPath: String {
        "\(sdksPath)/\(id).artifactbundle/\(id)/\(triple)/sysroot"
    }

    /// `--swift-sdk <id> --swift-sdks-path <sdksPath>`, for `swift build`.
    public var buildArguments: [String] {
        ["--swift-sdk", id, "--swift-sdks-path", sdksPath]
    }

    /// Makes the artifact bundle in `directory` (created if missing) and installs it with
    /// `swift sdk install <bundle> --swift-sdks-path <directory>/swift-sdks`. A previous bundle or
    /// installation of the same id in `directory` is replaced. Uses the toolchain of `swift` on
    /// `PATH`. Throws ``HostSwiftSDKError`` (with the command's output when a command fails) or a
    /// file-system error.
    public static func install(in directory: String) throws -> HostSwiftSDK {
        let arch = try hostArchitecture()
        let triple = "\(arch)-unknown-linux-gnu"
        let id = "host-\(arch)-linux-gnu"
        let toolchain = try Toolchain.fromPath()
        let fileManager = FileManager.default

        let base = absolute(directory)
        let bundle = "\(base)/\(id).artifactbundle"
        let sdksPath = "\(base)/swift-sdks"
        for stale in [bundle, "\(sdksPath)/\(id).artifactbundle"] where exists(stale) {
            try fileManager.removeItem(atPath: stale)
        }
        try fileManager.createDirectory(atPath: sdksPath, withIntermediateDirectories: true)

        // The variant: swift-sdk.json and the sysroot of symlinks.
        let variant = "\(id)/\(triple)"
        let sysroot = "\(bundle)/\(variant)/sysroot"
        try fileManager.createDirectory(atPath: "\(sysroot)/usr/lib", withIntermediateDirectories: true)
        var links: [(name: String, target: String)] = []
        for path in ["/lib", "/lib64", "/usr/include", "/usr/lib64"] where exists(path) {
            links.append((String(path.dropFirst()), path))
        }
        for entry in try fileManager.contentsOfDirectory(atPath: "/usr/lib").sorted()
        where entry != "swift" && entry != "swift_static" {
            links.append(("usr/lib/\(entry)", "/usr/lib/\(entry)"))
        }
        links.append(("usr/lib/swift", toolchain.resources))
        links.append(("usr/lib/swift_static", toolchain.staticResources))
        for link in links {
            try fileManager.createSymbolicLink(atPath: "\(sysroot)/\(link.name)", withDestinationPath: link.target)
        }

        // Paths in swift-sdk.json are relative to its own directory; info.json's to the bundle.
        let sdkJSON = SwiftSDKJSON(
            schemaVersion: "4.0",
            targetTriples: [
                triple: .init(
                    sdkRootPath: "sysroot",
                    swiftResourcesPath: "sysroot/usr/lib/swift",
                    swiftStaticResourcesPath: "sysroot/usr/lib/swift_static"
                )
            ]
        )
        let infoJSON = InfoJSON(
            schemaVersion: "1.0",
            artifacts: [id: .init(type: "swiftSDK", version: "0.0.1", variants: [.init(path: variant)])]
        )
        try write(sdkJSON, to: "\(bundle)/\(variant)/swift-sdk.json")
        try write(infoJSON, to: "\(bundle)/info.json")

        try run(toolchain.swift, ["sdk", "install", bundle, "--swift-sdks-path", sdksPath], scratch: base)
        return HostSwiftSDK(id: id, triple: triple, sdksPath: sdksPath)
    }
}

/// Why ``HostSwiftSDK/install(in:)`` failed.
public enum HostSwiftSDKError: Error, CustomStringConvertible {
    /// Only Linux on x86_64 or arm64 (glibc) is supported.
    case unsupportedHost(String)
    /// No usable toolchain was found from `swift` on `PATH`.
    case toolchainNotFound(String)
    /// A command exited unsuccessfully: its arguments (executable first), its exit status (or
    /// signal, when `uncaughtSignal`) and its standard output and error, interleaved.
    case commandFailed(arguments: [String], status: Int32, uncaughtSignal: Bool, output: String)

    public var description: String {
        switch self {
        case .unsupportedHost(let message), .toolchainNotFound(let message):
            message
        case .commandFailed(let arguments, let status, let signaled, let output):
            "`\(arguments.joined(separator: " "))` "
                + (signaled ? "was killed by signal \(status)" : "exited with status \(status)")
                + (output.isEmpty ? "" : ":\n\(output)")
        }
    }
}

// MARK: - Details

extension HostSwiftSDK {
    /// The toolchain of `swift` on `PATH`: where it is and its Swift resource directories.
    private struct Toolchain {
        /// `<usr>/bin/swift`: the driver symlink, not what it resolves to (the driver picks its
        /// mode from `argv[0]`).
        var swift: String
        var resources: String
        var staticResources: String

        static func fromPath() throws -> Toolchain {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
            let fileManager = FileManager.default
            guard
                let found = path.split(separator: ":").lazy
                    .filter({ $0.hasPrefix("/") })
                    .map({ "\($0)/swift" })
                    .first(where: { fileManager.isExecutableFile(atPath: $0) })
            else {
                throw HostSwiftSDKError.toolchainNotFound("no `swift` executable on PATH (\(path))")
            }
            // /usr/bin/swift -> /opt/swift/usr/bin/swift -> swift-driver: <usr>/bin/swift-driver.
            let usr = URL(fileURLWithPath: found).resolvingSymlinksInPath()
                .deletingLastPathComponent().deletingLastPathComponent().path
            let toolchain = Toolchain(
                swift: "\(usr)/bin/swift",
                resources: "\(usr)/lib/swift",
                staticResources: "\(usr)/lib/swift_static"
            )
            for required in [toolchain.swift, "\(toolchain.resources)/linux", "\(toolchain.staticResources)/linux"]
            where !HostSwiftSDK.exists(required) {
                throw HostSwiftSDKError.toolchainNotFound(
                    "`\(found)` resolves into \(usr), which has no \(required)")
            }
            return toolchain
        }
    }

    /// `swift-sdk.json`, schema 4.0.
    private struct SwiftSDKJSON: Encodable {
        struct Triple: Encodable {
            var sdkRootPath: String
            var swiftResourcesPath: String
            var swiftStaticResourcesPath: String
        }
        var schemaVersion: String
        var targetTriples: [String: Triple]
    }

    /// The artifact bundle's `info.json`, schema 1.0.
    private struct InfoJSON: Encodable {
        struct Artifact: Encodable {
            struct Variant: Encodable { var path: String }
            var type: String
            var version: String
            var variants: [Variant]
        }
        var schemaVersion: String
        var artifacts: [String: Artifact]
    }

    private static func hostArchitecture() throws -> String {
        #if os(Linux) && arch(x86_64)
        "x86_64"
        #elseif os(Linux) && arch(arm64)
        "aarch64"
        #else
        throw HostSwiftSDKError.unsupportedHost("a host Swift SDK is made only on Linux, x86_64 or arm64")
        #endif
    }

    private static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : "\(FileManager.default.currentDirectoryPath)/\(path)"
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    /// Whether something (even a dangling symlink) is at `path`.
    private static func exists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    private static func write(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(value).write(to: URL(fileURLWithPath: path))
    }

    /// Runs `executable` with `arguments` and waits; stdout and stderr go to a file in `scratch`
    /// (a file, not a pipe: nothing to drain, and no hang if another child inherits a descriptor).
    private static func run(_ executable: String, _ arguments: [String], scratch: String) throws {
        let logPath = "\(scratch)/.host-swift-sdk-\(UUID().uuidString).log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
            let log = FileHandle(forWritingAtPath: logPath)
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: logPath])
        }
        defer { try? FileManager.default.removeItem(atPath: logPath) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            try? log.close()
            throw error
        }
        process.waitUntilExit()
        try? log.close()

        guard process.terminationReason != .exit || process.terminationStatus != 0 else { return }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        throw HostSwiftSDKError.commandFailed(
            arguments: [executable] + arguments,
            status: process.terminationStatus,
            uncaughtSignal: process.terminationReason == .uncaughtSignal,
            output: output.trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }
}
