import DayshiftCore
import Foundation
import PostgresNIO

// Triggers refused by a daily budget (`budget_notices`): the issue is told once per UTC day.
// The notice's primary key (`issueKey, day`) with `ON CONFLICT DO NOTHING` decides which
// refusal creates it, whatever runs concurrently; the refusal itself is a write under the issue
// object's lease.
extension PostgresStore {
    func recordBudgetRefusal(_ refusal: DailyBudgetRefusal, messageID: Int64, lease: IssueLease, at date: Date) async throws -> Bool {
        let issueKey = lease.issueKey
        return try await write(holding: lease) { connection in
            try await Self.markHandled(id: messageID, outcome: "refused: \(refusal)", at: date, connection, logger: self.logger)
            let created = try await connection.value("""
                INSERT INTO budget_notices (issueKey, day, reason, createdAt) VALUES (\(issueKey), \(refusal.day), \(refusal.description), \(date))
                ON CONFLICT (issueKey, day) DO NOTHING RETURNING true
                """, as: Bool.self, logger: self.logger)
            if created != nil { return true }
            // Told already unless the comment has not been written yet.
            return try await connection.value("""
                SELECT commentedAt IS NULL FROM budget_notices WHERE issueKey = \(issueKey) AND day = \(refusal.day)
                """, as: Bool.self, logger: self.logger) ?? true
        }
    }

    func markBudgetNoticeCommented(issueKey: String, day: String, at date: Date) async throws {
        try await write { connection in
            try await connection.run("""
                UPDATE budget_notices SET commentedAt = \(date) WHERE issueKey = \(issueKey) AND day = \(day)
                """, logger: self.logger)
        }
    }
}
