import Foundation
import GRDB

/// A message waiting for an issue object (table `inbox_messages`), written in the same transaction as
/// the delivery that caused it and marked handled when the issue object has acted on it.
public struct InboxMessageRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "inbox_messages"

    public var id: Int64?
    /// The issue object's id, `owner/repo#number`.
    public var issueKey: String
    /// `fix`, `cancel`, `retry` or `closed`.
    public var kind: String
    /// The delivery that caused it.
    public var deliveryGuid: String
    /// JSON of the issue snapshot the message carries (see `IssueObjects.IssueSnapshot`).
    public var body: Data
    public var createdAt: Date
    public var handledAt: Date?
    /// What the issue object did, e.g. `started run 3` or `already running: run 2`.
    public var outcome: String?

    public init(issueKey: String, kind: String, deliveryGuid: String, body: Data, createdAt: Date) {
        self.issueKey = issueKey
        self.kind = kind
        self.deliveryGuid = deliveryGuid
        self.body = body
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
