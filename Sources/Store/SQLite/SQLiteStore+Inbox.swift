import DayshiftCore
import Foundation
import GRDB

// The issue objects' inbox.
extension SQLiteStore {
    func issueKeysWithPendingMessages() async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: """
                SELECT issueKey FROM inbox_messages WHERE handledAt IS NULL
                GROUP BY issueKey ORDER BY MIN(id)
                """)
        }
    }

    func nextPendingMessage(issueKey: String) async throws -> InboxMessage? {
        try await database.read { db in
            try InboxMessageRecord
                .filter(InboxMessageRecord.Columns.issueKey == issueKey && InboxMessageRecord.Columns.handledAt == nil)
                .order(InboxMessageRecord.Columns.id).fetchOne(db)?.message
        }
    }

    func markMessageHandled(id: Int64, outcome: String, lease: IssueLease, at date: Date = Date()) async throws {
        try await write(holding: lease) { db in
            try Self.markHandled(id: id, outcome: outcome, at: date, db)
        }
    }

    static func markHandled(id: Int64, outcome: String, at date: Date, _ db: Database) throws {
        try InboxMessageRecord.filter(key: id).updateAll(db, InboxMessageRecord.Columns.handledAt.set(to: date),
                                                          InboxMessageRecord.Columns.outcome.set(to: outcome))
    }

    func messages(issueKey: String) async throws -> [InboxMessage] {
        try await database.read { db in
            try InboxMessageRecord.filter(InboxMessageRecord.Columns.issueKey == issueKey).order(InboxMessageRecord.Columns.id).fetchAll(db).map(\.message)
        }
    }
}
