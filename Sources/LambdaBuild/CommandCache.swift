import Foundation
import LambdaSupport

/// Answers of `swift package describe` and `swift build --show-bin-path`,
/// kept in `.build/swift-lambda/cache/` and reused while what decides them is
/// unchanged: each SwiftPM invocation loads the manifest again (about 0.3 s),
/// which would make a no-change rebuild much slower than `swift build` alone.
///
/// `describe` depends on the manifests, the package's file tree (which files
/// belong to which target, which targets have resources) and the toolchain;
/// the key covers exactly those. The bin path depends on the build's
/// arguments and the toolchain.
struct CommandCache {
    var directory: String

    init(packageRoot: String) {
        directory = "\(packageRoot)/.build/swift-lambda/cache"
    }

    func output(for key: String) -> [UInt8]? {
        FileManager.default.contents(atPath: "\(directory)/\(key)").map { [UInt8]($0) }
    }

    func store(_ output: [UInt8], for key: String) {
        // A cache that cannot be written only costs the next run its shortcut.
        try? FileSystem.writeAtomically(output, to: "\(directory)/\(key)")
    }

    static func key(_ parts: [String]) -> String {
        ContentKey.sha256(parts)
    }

    /// The key of `describe` for the package at `root` built by `swift`.
    static func describeKey(root: String, swift: String) -> String {
        var parts = ["describe v1", swift, FileSystem.stamp(of: swift, followingSymlinks: true) ?? ""]
        for name in (try? FileSystem.contentsOfDirectory(root)) ?? [] where name.hasPrefix("Package") && name.hasSuffix(".swift") {
            parts.append(name)
            parts.append(FileManager.default.contents(atPath: "\(root)/\(name)").map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
        parts.append(FileManager.default.contents(atPath: "\(root)/Package.resolved").map { String(decoding: $0, as: UTF8.self) } ?? "")
        tree(root, relative: "", into: &parts)
        return key(parts)
    }

    /// Every path below the package, without build output, `target` and hidden items.
    private static func tree(_ directory: String, relative: String, into parts: inout [String]) {
        for name in (try? FileSystem.contentsOfDirectory(directory)) ?? [] where !name.hasPrefix(".") {
            if relative.isEmpty && name == "target" { continue }
            let path = "\(directory)/\(name)"
            let kind = FileSystem.kind(of: path)
            parts.append("\(relative)/\(name) \(kind.map { "\($0)" } ?? "")")
            if kind == .directory { tree(path, relative: "\(relative)/\(name)", into: &parts) }
        }
    }
}
