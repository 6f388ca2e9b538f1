import Foundation
import LambdaSupport

/// What the linker is given, and where it lives under the package's
/// `.build/swift-lambda/compat/`:
///
///     <sha256>.c, <sha256>.o      shim sources and objects, by content (ShimBuilder)
///     <sha256>.ld                 the linker script the build names: INPUT("<object>")
///     <triple>/lib/               the private library directory, first in the search path
///     <triple>/static-libstdc++   binaries last linked with a static libstdc++, one path a line
///
/// `swift build` gets `-Xswiftc -L<triple>/lib -Xlinker <sha256>.ld`. The
/// script is named after the shared-libstdc++ shim, so a new host library
/// or ceiling changes the link command and SwiftPM relinks. Linking
/// libstdc++ statically changes only file contents, never the flags: the
/// script names the static-libstdc++ shim and `lib/` holds a symlink to the
/// host's `libstdc++.a` while the products that need it are relinked, then
/// both are put back. Flags that never change keep SwiftPM from recompiling
/// (`-Xswiftc` reaches every compile) or relinking products back and forth.
///
/// Why `-Xswiftc -L` and not `-Xlinker -L`: SwiftPM's `-Xlinker` arguments
/// reach the linker after clang's own `-L` directories (which hold
/// `libstdc++.so`), and a later `-L` is searched later. swiftc's `-L` comes
/// before them.
public struct CompatLinkage: Sendable, Equatable {
    public let directory: String
    public let triple: String
    /// The shim for a shared libstdc++, the one the script names by default.
    public let sharedObject: String

    public init(directory: String, triple: String, sharedObject: String) {
        self.directory = directory
        self.triple = triple
        self.sharedObject = sharedObject
    }

    /// `<package>/.build/swift-lambda/compat`.
    public static func directory(packageRoot: String) -> String { "\(packageRoot)/.build/swift-lambda/compat" }

    public var libraryDirectory: String { "\(directory)/\(triple)/lib" }
    public var script: String { (sharedObject as NSString).deletingPathExtension + ".ld" }
    var staticListPath: String { "\(directory)/\(triple)/static-libstdc++" }

    /// The arguments added to `swift build` (and its bin-path query).
    public var swiftBuildArguments: [String] {
        ["-Xswiftc", "-L\(libraryDirectory)", "-Xlinker", script]
    }

    /// The default state: the script names the shared-libstdc++ shim and the
    /// library directory is empty.
    public func useShared() throws {
        try prepare(object: sharedObject, staticArchive: nil)
    }

    /// For relinking with a static libstdc++: the script names `object` and
    /// `lib/libstdc++.a` links to `archive`.
    public func useStatic(object: String, archive: String) throws {
        try prepare(object: object, staticArchive: archive)
    }

    private func prepare(object: String, staticArchive: String?) throws {
        let linked = "\(libraryDirectory)/libstdc++.a"
        do {
            try FileManager.default.createDirectory(atPath: libraryDirectory, withIntermediateDirectories: true)
            let quoted = object.replacingOccurrences(of: "\"", with: "\\\"")
            try FileSystem.writeIfChanged(Array("INPUT(\"\(quoted)\")\n".utf8), to: script)
            try FileSystem.removeItem(linked)
            if let staticArchive { try FileSystem.createSymlink(at: linked, pointingTo: staticArchive) }
        } catch {
            throw CompatError.cacheUnwritable(path: directory, reason: "\(error)")
        }
    }

    /// The binaries last relinked with a static libstdc++.
    public func staticallyLinked() -> Set<String> {
        guard let text = try? String(contentsOfFile: staticListPath, encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").map(String.init))
    }

    public func recordStaticallyLinked(_ binaries: Set<String>) throws {
        let text = binaries.sorted().map { $0 + "\n" }.joined()
        do {
            try FileSystem.writeIfChanged(Array(text.utf8), to: staticListPath)
        } catch {
            throw CompatError.cacheUnwritable(path: staticListPath, reason: "\(error)")
        }
    }
}
