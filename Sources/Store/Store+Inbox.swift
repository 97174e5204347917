import Foundation
import GRDB

// The issue objects' inbox.
extension Store {
    /// Issue keys that have unhandled messages, oldest message first.
    public func issueKeysWithPendingMessages() throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT issueKey FROM inbox_messages WHERE handledAt IS NULL
                GROUP BY issueKey ORDER BY MIN(id)
                """)
        }
    }

    /// The oldest unhandled message for one issue object.
    public func nextPendingMessage(issueKey: String) throws -> InboxMessageRecord? {
        try database.read { db in
            try InboxMessageRecord
                .filter(Column("issueKey") == issueKey && Column("handledAt") == nil)
                .order(Column("id")).fetchOne(db)
        }
    }

    /// Marks a message handled with what was done about it.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``.
    public func markMessageHandled(id: Int64, outcome: String, lease: IssueLease, at date: Date = Date()) throws {
        try write(holding: lease) { db in
            try db.execute(literal: "UPDATE inbox_messages SET handledAt = \(date), outcome = \(outcome) WHERE id = \(id)")
        }
    }

    /// All messages for one issue object, oldest first.
    public func messages(issueKey: String) throws -> [InboxMessageRecord] {
        try database.read { db in
            try InboxMessageRecord.filter(Column("issueKey") == issueKey).order(Column("id")).fetchAll(db)
        }
    }
}

