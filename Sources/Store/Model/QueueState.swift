import DayshiftCore
import Foundation

/// Where a run stands in the queue for sandbox slots (``Store/claimSlot(runID:limit:at:)``).
public enum SlotClaim: Sendable, Equatable {
    /// The run has no queue entry (started before the queue existed, or already finished): it
    /// goes on without a slot.
    case notQueued
    /// The run holds a slot: it may provision its sandbox.
    case holding
    /// The run waits; `position` 1 is served next. `notified`: the issue was already told.
    case waiting(position: Int, notified: Bool)
}

/// One run waiting for a slot, for operators.
public struct QueuedRun: Sendable, Equatable {
    public var runID: Int64
    public var issueKey: String
    /// The GitHub App installation, `0` when none.
    public var installation: Int64
    /// 1: served next.
    public var position: Int
    public var since: Date
}

/// The queue as operators see it: the runs holding slots and the runs waiting, in service order.
public struct QueueSnapshot: Sendable, Equatable {
    /// Ids of the running runs that hold a slot.
    public var holding: [Int64]
    public var waiting: [QueuedRun]
}
