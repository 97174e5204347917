import DayshiftCore
import Foundation

/// A persisted wake-up for an issue object: it fires at `dueAt`, also after a restart (overdue
/// alarms fire at start).
public struct Alarm: Sendable, Equatable {
    /// What the wake-up is for.
    public enum Kind: String, Codable, Sendable {
        /// Run a step again after a transient failure.
        case retry
    }

    public var id: Int64
    /// The issue object to wake.
    public var issueKey: String
    public var runID: Int64?
    public var kind: Kind
    /// The step concerned, for `retry`.
    public var step: StepName?
    public var dueAt: Date
    public var createdAt: Date
    /// When it fired; `nil` while pending.
    public var firedAt: Date?

    public init(id: Int64, issueKey: String, runID: Int64?, kind: Kind, step: StepName?, dueAt: Date, createdAt: Date, firedAt: Date?) {
        self.id = id
        self.issueKey = issueKey
        self.runID = runID
        self.kind = kind
        self.step = step
        self.dueAt = dueAt
        self.createdAt = createdAt
        self.firedAt = firedAt
    }
}
