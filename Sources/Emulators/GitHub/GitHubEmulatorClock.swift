import Foundation
import Synchronization

/// The GitHub emulator's clock: a base clock plus an offset that tests move forward with
/// ``advance(by:)`` (or ``GitHubEmulatorState/advanceClock(by:)``). Installation tokens and App JWTs
/// are judged on it, and `created_at`/`updated_at` come from it. Readable from any thread, so a
/// Dayshift client under test can share it: `now: { emulator.state.clock.now() }`.
public final class GitHubEmulatorClock: Sendable {
    private let base: @Sendable () -> Date
    private let offset = Mutex<TimeInterval>(0)

    /// - Parameter base: the underlying clock (wall time by default; a fixed date for deterministic output).
    public init(base: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
    }

    /// The emulator's current time: base clock + offset.
    public func now() -> Date {
        base().addingTimeInterval(offset.withLock { $0 })
    }

    /// Moves the clock forward by `seconds` (negative moves it back).
    public func advance(by seconds: TimeInterval) {
        offset.withLock { $0 += seconds }
    }

    /// Seconds added to the base clock so far.
    public var offsetSeconds: TimeInterval { offset.withLock { $0 } }
}
