import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock(2)` on a file, held until `release` or the end of the process (the kernel
/// drops it when the process dies, however it dies, so a killed holder never blocks the next run).
/// The holder writes its pid into the file, so a waiting run can say whom it waits for, as
/// SwiftPM does for `.build`.
public final class FileLock: Sendable {
    private let descriptor: Int32
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Takes the lock, waiting as long as another process holds it. `waiting` is called once,
    /// with the holder's pid when the file names one, before the first wait.
    public static func acquire(at path: String, waiting: (_ holder: Int32?) -> Void) async throws -> FileLock {
        try FileSystem.prepareWritableDirectory(FileSystem.parent(of: path))
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileSystemError.operationFailed(operation: "open the lock file", path: path, reason: errnoText(errno))
        }
        var announced = false
        // Polled rather than blocking: the wait stays cancellable and holds no thread.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = errnoText(errno)
                close(descriptor)
                throw FileSystemError.operationFailed(operation: "lock", path: path, reason: reason)
            }
            if !announced {
                announced = true
                waiting(holder(of: descriptor))
            }
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                close(descriptor)
                throw error
            }
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return FileLock(descriptor: descriptor, path: path)
    }

    /// The pid the holder wrote, when there is one.
    private static func holder(of descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingWhitespace)
    }

    /// Gives the lock up (closing the file releases it).
    public func release() {
        close(descriptor)
    }
}
