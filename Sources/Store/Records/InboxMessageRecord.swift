import DayshiftCore
import Foundation
import GRDB

/// A row of `inbox_messages`: written in the same transaction as the delivery that caused it and
/// marked handled when the issue object has acted on it. `body` is the JSON of an ``IssueSnapshot``.
struct InboxMessageRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "inbox_messages"

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let issueKey = Column(CodingKeys.issueKey)
        static let handledAt = Column(CodingKeys.handledAt)
        static let outcome = Column(CodingKeys.outcome)
    }

    var id: Int64?
    var issueKey: String
    var kind: String
    var deliveryGuid: String
    var body: Data
    var createdAt: Date
    var handledAt: Date?
    var outcome: String?
    /// JSON of a ``TriggerOrigin``.
    var origin: Data?
    /// ``TriggerOrigin/triggerKey``: unique per issue key.
    var triggerKey: String?

    init(issueKey: String, kind: String, deliveryGuid: String, body: Data, createdAt: Date) {
        self.issueKey = issueKey
        self.kind = kind
        self.deliveryGuid = deliveryGuid
        self.body = body
        self.createdAt = createdAt
    }

    init(_ message: IssueMessage, deliveryGUID: String, createdAt: Date) throws {
        self.init(issueKey: message.issueKey.description, kind: message.command.rawValue, deliveryGuid: deliveryGUID,
                  body: try JSONEncoder().encode(message.snapshot), createdAt: createdAt)
        origin = try message.origin.map { try JSONEncoder().encode($0) }
        triggerKey = message.origin?.triggerKey
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var message: InboxMessage {
        InboxMessage(id: id ?? 0, issueKey: issueKey, kind: kind, deliveryGUID: deliveryGuid,
                     snapshot: try? JSONDecoder().decode(IssueSnapshot.self, from: body), createdAt: createdAt, handledAt: handledAt, outcome: outcome,
                     origin: origin.flatMap { try? JSONDecoder().decode(TriggerOrigin.self, from: $0) })
    }
}
