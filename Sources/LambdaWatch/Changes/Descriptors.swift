import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `poll(2)` with a deadline instead of a millisecond count, retried on `EINTR`.
enum Poll {
    /// For each descriptor, whether it is readable (or hung up) when the wait ended: at the
    /// first readable one, or at `deadline` (never, when `nil`).
    static func readable(_ descriptors: [Int32], until deadline: ContinuousClock.Instant?) throws -> [Bool] {
        var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let remaining = deadline - .now
                timeout = remaining <= .zero ? 0 : Int32(clamping: Int64((remaining / .milliseconds(1)).rounded(.up)))
            }
            if poll(&entries, nfds_t(entries.count), timeout) >= 0 {
                return entries.map { $0.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 }
            }
            guard errno == EINTR else { throw ChangeWatchError.systemCall("poll", errno: errno) }
        }
    }
}

/// The way to stop the watcher's blocking wait from another thread: a pipe whose read end is
/// polled with the events. Signalling after release does nothing, so a late cancellation
/// never writes to a descriptor number the process has reused.
final class WakePipe: @unchecked Sendable {
    let readEnd: Int32
    private let writeEnd: Int32
    private let lock = NSLock()
    private var released = false

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw ChangeWatchError.systemCall("pipe", errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Wakes the wait (once is enough: nothing reads the byte).
    func signal() {
        lock.withLock {
            guard !released else { return }
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }
    }

    /// Closes both ends; called once, by the watcher thread as it ends.
    func release() {
        lock.withLock {
            guard !released else { return }
            released = true
            closeDescriptor(readEnd)
            closeDescriptor(writeEnd)
        }
    }
}

/// `close(2)`, under a name that methods called `close` do not hide.
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
