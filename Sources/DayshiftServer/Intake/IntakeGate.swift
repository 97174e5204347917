import ServiceLifecycle
import Synchronization

/// Open while Dayshift accepts webhooks. Graceful shutdown closes it first, so that deliveries
/// arriving while runs drain get 503 (GitHub records a failed delivery that can be redelivered)
/// instead of being stored for a server that is stopping.
public final class IntakeGate: Service, Sendable {
    private let open = Mutex(true)

    public init() {}

    public var isOpen: Bool { open.withLock { $0 } }

    /// Waits for graceful shutdown, then closes the gate. Listed last in the service group, so it
    /// is the first service told to shut down.
    public func run() async throws {
        try? await gracefulShutdown()
        close()
    }

    /// Closes the gate for good (what graceful shutdown does).
    func close() {
        open.withLock { $0 = false }
    }
}
