import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory tree of the test's own in a temporary directory, built with the system calls
/// (names and link targets as raw bytes where a test needs bytes that are not UTF-8).
public struct TreeFixture: Sendable {
    public let root: String

    /// A tree at `root`, which exists.
    public init(root: String) {
        self.root = root
    }

    /// A fresh tree in the temporary directory.
    public init(_ name: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    public func directory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: "\(root)/\(path)", withIntermediateDirectories: true)
    }

    public func file(_ path: String, _ text: String = "x") throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(root)/\(path)"))
    }

    public func link(_ path: String, _ target: String) throws {
        try link(path, bytes: Array(target.utf8))
    }

    public func link(_ path: String, bytes target: [UInt8]) throws {
        let status = Self.cString(target).withUnsafeBufferPointer { target in
            Self.cString(Array("\(root)/\(path)".utf8)).withUnsafeBufferPointer { symlink(target.baseAddress!, $0.baseAddress!) }
        }
        guard status == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// A regular file named by `name`'s bytes in the directory `directory` (below the root).
    public func file(in directory: String, bytes name: [UInt8]) throws {
        let path = Self.cString(Array("\(root)/\(directory)/".utf8) + name)
        let descriptor = path.withUnsafeBufferPointer { open($0.baseAddress!, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        close(descriptor)
    }

    private static func cString(_ bytes: [UInt8]) -> [CChar] {
        (bytes + [0]).map { CChar(bitPattern: $0) }
    }
}
