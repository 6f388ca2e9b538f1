import Foundation

/// Telling a full disk from other write failures, so the error can say so in one line
/// instead of passing on `LLVM ERROR: IO failure on output stream` or a bare ENOSPC.
public enum DiskSpace {
    /// Whether a failure's text is a full disk: ENOSPC's message (from us, libarchive or a
    /// tool), or LLVM's `IO failure` on an output stream, which is how the linker and the
    /// compiler report it.
    public static func isFull(_ text: String) -> Bool {
        text.contains("No space left on device") || text.contains("ENOSPC") || text.contains("LLVM ERROR: IO failure")
    }

    /// Whether the file system holding `path` (or its nearest existing ancestor) has less than
    /// `threshold` bytes left for unprivileged writes.
    public static func isNearlyFull(_ path: String, threshold: UInt64 = 16 << 20) -> Bool {
        var stats = statvfs()
        guard statvfs(existingAncestor(of: path), &stats) == 0 else { return false }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize) < threshold
    }

    /// The mount point of the file system holding `path`: the highest ancestor on its device.
    public static func mountPoint(of path: String) -> String {
        var current = existingAncestor(of: path)
        guard let device = self.device(of: current) else { return current }
        while current != "/" {
            let parent = FileSystem.parent(of: current)
            guard self.device(of: parent) == device else { break }
            current = parent
        }
        return current
    }

    private static func existingAncestor(of path: String) -> String {
        var current = FileSystem.absolute(path, relativeTo: FileSystem.currentDirectory)
        while current != "/" && !FileSystem.exists(current) { current = FileSystem.parent(of: current) }
        return current
    }

    private static func device(of path: String) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(info.st_dev)
    }
}
