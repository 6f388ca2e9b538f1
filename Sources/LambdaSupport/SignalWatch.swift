import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT, SIGTERM and SIGHUP delivered to a handler instead of ending the process, until
/// `cancel()` gives them back their default action. The one installation that `build`'s
/// cleanup (`SignalCleanup`) and `invoke`'s and `serve`'s cancellation share.
// Unchecked: the sources are set once in init and afterwards only cancelled, which is thread-safe.
public final class SignalWatch: @unchecked Sendable {
    public static let signals = [SIGINT, SIGTERM, SIGHUP]
    private let sources: [any DispatchSourceSignal]

    /// Each signal is ignored first, so its default action never runs; `handler` gets its number.
    public init(_ handler: @escaping @Sendable (Int32) -> Void) {
        sources = Self.signals.map { number in
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    public func cancel() {
        for source in sources { source.cancel() }
        for number in Self.signals { _ = signal(number, SIG_DFL) }
    }
}
