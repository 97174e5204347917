import Foundation
import GRDB

/// A persisted wake-up for an issue object (table `alarms`): it fires at `dueAt`, also after a
/// restart (overdue alarms fire at start).
public struct AlarmRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alarms"

    /// What the wake-up is for.
    public enum Kind: String, Codable, Sendable {
        /// Run a step again after a transient failure.
        case retry
    }

    public var id: Int64?
    public var issueKey: String
    public var runId: Int64?
    public var kind: Kind
    /// The step concerned, for `retry`.
    public var step: String?
    public var dueAt: Date
    public var createdAt: Date
    /// When it fired; `nil` while pending.
    public var firedAt: Date?

    public init(issueKey: String, runId: Int64?, kind: Kind, step: String?, dueAt: Date, createdAt: Date) {
        self.issueKey = issueKey
        self.runId = runId
        self.kind = kind
        self.step = step
        self.dueAt = dueAt
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
