import Foundation
import GRDB

/// One run of an issue object (table `runs`). At most one run per issue is `running` at a time,
/// which a partial unique index enforces.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "runs"

    /// Status values. `running` is the only non-final one.
    public enum Status: String, Codable, Sendable {
        /// `tests_failed`: a draft pull request was opened, but the tests fail after the change.
        case running, succeeded, failed, no_changes, tests_failed, cancelled
        public var isFinal: Bool { self != .running }
    }

    public var id: Int64?
    public var issueKey: String
    /// 1 for the issue's first run, 2 for its second, …
    public var sequence: Int
    public var status: Status
    /// The inbox message that started it.
    public var triggerMessageId: Int64
    /// JSON of the issue snapshot and settings the run works from, frozen at its start.
    public var context: Data
    public var createdAt: Date
    public var finishedAt: Date?
    /// One line on how it ended, e.g. `verify tests failed: draft pull request #7`.
    public var summary: String?
    /// Set when `/dayshift cancel` or `issues.closed` asked the run to stop.
    public var cancelRequestedAt: Date?

    public init(issueKey: String, sequence: Int, triggerMessageId: Int64, context: Data, createdAt: Date) {
        self.issueKey = issueKey
        self.sequence = sequence
        self.status = .running
        self.triggerMessageId = triggerMessageId
        self.context = context
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
