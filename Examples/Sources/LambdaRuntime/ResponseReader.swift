// Buffered reads over a connection, so the HTTP parser can ask for "a line" or "N bytes"
// without caring how the peer split its writes into TCP segments.

/// Reads lines and byte counts from a connection, keeping what it read ahead for the next call.
/// Every read is bounded, so a misbehaving peer gives an error instead of unbounded memory use.
struct ResponseReader {
    private let connection: TCPConnection
    private var buffer: [UInt8] = []
    private var position = 0

    init(connection: TCPConnection) { self.connection = connection }

    /// Reads one more chunk from the connection into the buffer; false at end of stream.
    private mutating func fill() throws(TransportError) -> Bool {
        if position > 0 {
            buffer.removeSubrange(..<position)
            position = 0
        }
        let chunk = try connection.readSome()
        buffer += chunk
        return !chunk.isEmpty
    }

    /// The next line without its terminator (CRLF, or a bare LF from a lenient peer).
    /// Throws when the line is longer than `limit` bytes or the stream ends first.
    mutating func readLine(limit: Int) throws(TransportError) -> [UInt8] {
        var searchFrom = position
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > position && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end - position <= limit else { throw TransportError("HTTP line longer than \(limit) bytes") }
                let line = Array(buffer[position..<end])
                position = newline + 1
                return line
            }
            guard buffer.count - position <= limit + 1 else {
                throw TransportError("HTTP line longer than \(limit) bytes")
            }
            let scanned = buffer.count - position  // relative, as fill() moves the unread bytes to the front
            guard try fill() else { throw TransportError("connection closed in the middle of an HTTP line") }
            searchFrom = position + scanned
        }
    }

    /// Exactly `count` bytes; throws if the stream ends first.
    mutating func readExactly(_ count: Int) throws(TransportError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(min(count, 1 << 20))
        while result.count < count {
            if position == buffer.count {
                guard try fill() else {
                    throw TransportError("connection closed after \(result.count) of \(count) body bytes")
                }
            }
            let take = min(count - result.count, buffer.count - position)
            result += buffer[position..<(position + take)]
            position += take
        }
        return result
    }

    /// Everything until the peer closes the connection, up to `limit` bytes.
    mutating func readToEnd(limit: Int) throws(TransportError) -> [UInt8] {
        var result = Array(buffer[position...])
        position = buffer.count
        while true {
            let chunk = try connection.readSome()
            if chunk.isEmpty { return result }
            result += chunk
            guard result.count <= limit else { throw TransportError("HTTP body larger than \(limit) bytes") }
        }
    }
}
