import DayshiftCore
import Foundation
import GRDB

// The issue objects' inbox.
extension Store {
    /// Issue keys that have unhandled messages, oldest message first.
    /// - Throws: GRDB's `DatabaseError`.
    public func issueKeysWithPendingMessages() async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: """
                SELECT issueKey FROM inbox_messages WHERE handledAt IS NULL
                GROUP BY issueKey ORDER BY MIN(id)
                """)
        }
    }

    /// The oldest unhandled message for one issue object.
    /// - Throws: GRDB's `DatabaseError`.
    public func nextPendingMessage(issueKey: String) async throws -> InboxMessage? {
        try await database.read { db in
            try InboxMessageRecord
                .filter(InboxMessageRecord.Columns.issueKey == issueKey && InboxMessageRecord.Columns.handledAt == nil)
                .order(InboxMessageRecord.Columns.id).fetchOne(db)?.message
        }
    }

    /// Marks a message handled with what was done about it (e.g. `no running run to stop`).
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; GRDB's `DatabaseError`.
    public func markMessageHandled(id: Int64, outcome: String, lease: IssueLease, at date: Date = Date()) async throws {
        try await write(holding: lease) { db in
            try Self.markHandled(id: id, outcome: outcome, at: date, db)
        }
    }

    static func markHandled(id: Int64, outcome: String, at date: Date, _ db: Database) throws {
        try InboxMessageRecord.filter(key: id).updateAll(db, InboxMessageRecord.Columns.handledAt.set(to: date),
                                                          InboxMessageRecord.Columns.outcome.set(to: outcome))
    }

    /// All messages for one issue object, oldest first.
    /// - Throws: GRDB's `DatabaseError`.
    public func messages(issueKey: String) async throws -> [InboxMessage] {
        try await database.read { db in
            try InboxMessageRecord.filter(InboxMessageRecord.Columns.issueKey == issueKey).order(InboxMessageRecord.Columns.id).fetchAll(db).map(\.message)
        }
    }
}
