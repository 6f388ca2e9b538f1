/// The relevant paths that changed since the last rebuild, sorted and each once: what the watch
/// loop rebuilds for, and what it can name in its "rebuilding because" line.
public struct ChangeBatch: Sendable, Equatable {
    public let paths: [String]

    public init(paths: some Sequence<String>) {
        self.paths = Set(paths).sorted()
    }
}
