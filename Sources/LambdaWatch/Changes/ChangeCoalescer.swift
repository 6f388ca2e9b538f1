/// When to hand a set of changes to the watch loop: editors and `git checkout` touch many files
/// in a burst, and one rebuild for the burst beats one per file.
///
/// Pure: instants are passed in, so the decisions are tested without sleeping. A batch is due
/// `quiet` after its last change (debounce), and at the latest `maximumDelay` after its first,
/// so a file rewritten without pause still triggers.
public struct ChangeCoalescer: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public let quiet: Duration
    public let maximumDelay: Duration
    private var pending: Set<String> = []
    private var first: Instant?
    private var last: Instant?

    public init(quiet: Duration = .milliseconds(300), maximumDelay: Duration = .seconds(2)) {
        self.quiet = quiet
        self.maximumDelay = max(quiet, maximumDelay)
    }

    /// Whether changes wait to be emitted.
    public var hasPending: Bool { !pending.isEmpty }

    /// Records changes to `paths` seen at `instant`; an empty sequence changes nothing.
    public mutating func record(_ paths: some Sequence<String>, at instant: Instant) {
        let paths = Array(paths)
        guard !paths.isEmpty else { return }
        pending.formUnion(paths)
        if first == nil { first = instant }
        last = instant
    }

    /// When the pending batch is due, or `nil` when nothing is pending.
    public var deadline: Instant? {
        guard let first, let last else { return nil }
        return min(last + quiet, first + maximumDelay)
    }

    /// The pending batch when it is due at `now` (and then nothing is pending), else `nil`.
    public mutating func flush(at now: Instant) -> ChangeBatch? {
        guard let deadline, now >= deadline else { return nil }
        let batch = ChangeBatch(paths: pending)
        pending = []
        first = nil
        last = nil
        return batch
    }
}
