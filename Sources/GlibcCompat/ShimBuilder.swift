import Foundation
public import LambdaSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Compiles shim sources with the toolchain's clang into objects cached by
/// content: `<cache>/<sha256>.o`, where the hash covers the source, the
/// target triple and the compiler flags. The source is a function of the
/// host's libraries and the runtime's ceilings, so each host and ceiling
/// compiles once and every later build reuses the object.
public struct ShimBuilder: Sendable {
    public var clang: String
    public var triple: String
    public var cacheDirectory: String

    /// Position-independent, optimised, no headers; each function in its own
    /// section so the linker can drop what an artifact does not use (lld does).
    static let flags = ["-fPIC", "-O2", "-ffunction-sections", "-fno-stack-protector", "-std=c11", "-w"]

    public init(clang: String, triple: String, cacheDirectory: String) {
        self.clang = clang
        self.triple = triple
        self.cacheDirectory = cacheDirectory
    }

    /// The content key of a source for this target.
    public func key(for source: String) -> String {
        ContentKey.sha256([triple] + Self.flags + [source])
    }

    public func objectPath(for source: String) -> String { "\(cacheDirectory)/\(key(for: source)).o" }

    public func compileInvocation(source: String, output: String) -> Invocation {
        Invocation(executable: clang, arguments: ["--target=\(triple)"] + Self.flags + ["-c", source, "-o", output])
    }

    /// The cached object for `source`, compiled first when missing.
    public func build(_ source: String, runner: any ProcessRunning) async throws -> (path: String, reused: Bool) {
        let object = objectPath(for: source)
        if FileSystem.exists(object) { return (object, true) }
        let key = key(for: source)
        let sourcePath = "\(cacheDirectory)/\(key).c"
        let partial = "\(cacheDirectory)/.\(key).\(ProcessInfo.processInfo.processIdentifier).o"
        do {
            try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
            try Data(source.utf8).write(to: URL(fileURLWithPath: sourcePath), options: .atomic)
        } catch {
            throw CompatError.cacheUnwritable(path: cacheDirectory, reason: "\(error)")
        }
        let invocation = compileInvocation(source: sourcePath, output: partial)
        do {
            _ = try await runner.capture(invocation)
        } catch ProcessError.failed(_, _, _, let diagnostics) {
            try? FileManager.default.removeItem(atPath: partial)
            throw CompatError.shimCompileFailed(command: invocation.commandLine, diagnostics: diagnostics)
        }
        // Renamed into place whole, so a concurrent or interrupted build never sees half an object.
        guard rename(partial, object) == 0 else {
            throw CompatError.cacheUnwritable(path: object, reason: String(cString: strerror(errno)))
        }
        return (object, false)
    }
}
