import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies what a child writes to a pipe onto standard error, each line after a prefix, so the
/// output of several functions run at once stays readable. A line is written whole, in one
/// `write`, so lines of different children never interleave mid-line.
enum PrefixedLines {
    /// Reads `descriptor` on a thread of its own until end of file, then closes it.
    static func forward(from descriptor: Int32, prefix: String) {
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                pending += buffer[0..<count]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    emit(pending[...newline], prefix: prefix)
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { emit(pending[...] + [UInt8(ascii: "\n")], prefix: prefix) }
            close(descriptor)
        }
        thread.name = "swift-lambda output \(prefix)"
        thread.start()
    }

    private static func emit(_ line: ArraySlice<UInt8>, prefix: String) {
        let bytes = Array(prefix.utf8) + line
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
