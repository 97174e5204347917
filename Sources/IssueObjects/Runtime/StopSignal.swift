import Synchronization

/// A one-way flag the runtime raises on graceful shutdown: running runs stop before their next
/// step (the journal says where), instead of being cut mid-step.
public final class StopSignal: Sendable {
    private let raised = Mutex(false)

    public init() {}

    public var isRaised: Bool { raised.withLock { $0 } }

    public func raise() { raised.withLock { $0 = true } }
}
