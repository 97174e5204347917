import DayshiftCore
import Foundation
import PostgresNIO

// Follow-ups queued while a run was running (at most one run is queued: it takes them all).
// Queueing is a write under the issue object's lease; the queue's primary key (`messageId`) with
// `ON CONFLICT DO NOTHING` keeps a message queued once however often it is queued.
extension PostgresStore {
    func queueFollowUp(messageID: Int64, outcome: String, lease: IssueLease, at date: Date) async throws {
        let issueKey = lease.issueKey
        try await write(holding: lease) { connection in
            try await connection.run("""
                INSERT INTO follow_up_queue (messageId, issueKey) VALUES (\(messageID), \(issueKey)) ON CONFLICT (messageId) DO NOTHING
                """, logger: self.logger)
            try await Self.markHandled(id: messageID, outcome: outcome, at: date, connection, logger: self.logger)
        }
    }

    func queuedFollowUps(issueKey: String) async throws -> [InboxMessage] {
        try await read { connection in
            try await connection.records("""
                SELECT m.* FROM inbox_messages m JOIN follow_up_queue q ON q.messageId = m.id
                WHERE q.issueKey = \(issueKey) ORDER BY m.id
                """, as: InboxMessageRecord.self, logger: self.logger).map(\.message)
        }
    }
}
