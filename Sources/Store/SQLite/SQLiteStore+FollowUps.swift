import DayshiftCore
import Foundation
import GRDB

// Follow-ups queued while a run was running (at most one run is queued: it takes them all).
extension SQLiteStore {
    func queueFollowUp(messageID: Int64, outcome: String, lease: IssueLease, at date: Date = Date()) async throws {
        let issueKey = lease.issueKey
        try await write(holding: lease) { db in
            try db.execute(sql: "INSERT OR IGNORE INTO follow_up_queue (messageId, issueKey) VALUES (?, ?)", arguments: [messageID, issueKey])
            try Self.markHandled(id: messageID, outcome: outcome, at: date, db)
        }
    }

    func queuedFollowUps(issueKey: String) async throws -> [InboxMessage] {
        try await database.read { db in
            try InboxMessageRecord.fetchAll(db, sql: """
                SELECT m.* FROM inbox_messages m JOIN follow_up_queue q ON q.messageId = m.id WHERE q.issueKey = ? ORDER BY m.id
                """, arguments: [issueKey]).map(\.message)
        }
    }
}
