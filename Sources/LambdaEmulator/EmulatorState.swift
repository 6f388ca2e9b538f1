import NIOCore

/// What an owner can see of the emulator at one moment; `LambdaEmulator.waitUntil` evaluates
/// conditions on it after every change.
public struct EmulatorSnapshot: Sendable {
    /// `GET invocation/next` requests received since the emulator started.
    public var runtimeNextCount = 0
    /// How many of them are waiting for an invocation now.
    public var runtimeWaiting = 0
    /// When the first of them arrived after the last `resetEnvironment()`.
    public var firstNext: ContinuousClock.Instant?
    /// The first request of any kind after the last reset (a hand-started runtime's first contact).
    public var firstContact: ContinuousClock.Instant?
    /// What the runtime posted to `init/error` since the last reset.
    public var initError: ErrorReport?
    /// Registered extensions, in registration order.
    public var extensions: [ExtensionStatus] = []
    /// Invocations waiting for the runtime, and those it holds.
    public var queued: [String] = []
    public var inFlight: [String] = []
    /// In-flight invocations whose runtime is streaming the answer on a connection still open.
    public var streaming: [String] = []
    public var finishedCount = 0
    public var timedOutCount = 0
    public var isShuttingDown = false
    public var isStopped = false

    public func extensionNamed(_ name: String) -> ExtensionStatus? { extensions.first { $0.name == name } }
}

public struct ExtensionStatus: Sendable, Hashable {
    public var name: String
    public var identifier: String
    public var events: [String]
    /// Whether it is waiting in `event/next`: only then is it ready for the next invocation.
    public var isWaiting: Bool
    /// The types of the events delivered to it, in order.
    public var delivered: [String]
    public var initError: ErrorReport?
    public var exitError: ErrorReport?
}

/// The emulator's mutable state; only touched under `EmulatorCore`'s lock.
struct EmulatorState: Sendable {
    struct Waiter: Sendable {
        var token: Int
        var promise: EventLoopPromise<EmulatorResponse>
    }

    enum Phase: Sendable {
        case queued
        case inFlight(since: ContinuousClock.Instant, timer: Scheduled<Void>)
    }

    struct Record: Sendable {
        var request: InvocationRequest
        var phase: Phase
        var promise: EventLoopPromise<InvocationResult>
        var observer: InvocationObserver?
        /// The body of a streamed response so far; nil until the runtime starts streaming.
        var streamedBody: [UInt8]?
        /// The connection carrying the streamed body is still open.
        var streamOpen = false
    }

    struct Extension: Sendable {
        var status: ExtensionStatus
        var pending: [ExtensionEvent] = []
        var waiter: Waiter?
    }

    /// A `waitUntil` in progress: not yet registered, waiting with its check, or cancelled
    /// before it could register.
    enum Observer: Sendable {
        case unset
        case waiting(check: @Sendable (EmulatorSnapshot) -> (@Sendable () -> Void)?, fail: @Sendable (any Error) -> Void)
        case cancelled
    }

    var snapshot = EmulatorSnapshot()
    var nextToken = 0
    var runtimeWaiters: [Waiter] = []
    var queue: [String] = []
    var records: [String: Record] = [:]
    var extensions: [Extension] = []
    var observers: [Int: Observer] = [:]

    mutating func makeToken() -> Int {
        nextToken += 1
        return nextToken
    }

    mutating func noteContact() {
        if snapshot.firstContact == nil { snapshot.firstContact = .now }
    }

    /// Lambda hands out an invocation only when every registered extension has asked for its
    /// next event: until then the environment is still initialising or busy with the last one.
    var extensionsReady: Bool { extensions.allSatisfy { $0.waiter != nil } }

    func extensionIndex(identifier: String?) -> Int? {
        guard let identifier else { return nil }
        return extensions.firstIndex { $0.status.identifier == identifier }
    }

    /// The snapshot with the lists that are derived from the records brought up to date.
    var currentSnapshot: EmulatorSnapshot {
        var copy = snapshot
        copy.queued = queue
        copy.runtimeWaiting = runtimeWaiters.count
        copy.inFlight = records.compactMap { id, record in
            if case .inFlight = record.phase { return id }
            return nil
        }.sorted()
        copy.streaming = records.compactMap { id, record in record.streamOpen ? id : nil }.sorted()
        copy.extensions = extensions.map { item in
            var status = item.status
            status.isWaiting = item.waiter != nil
            return status
        }
        return copy
    }
}
