import DayshiftCore
import Foundation
import Logging
import PostgresNIO

// The issue objects' inbox. Marking a message handled is a write under the issue object's lease
// (the lease row `FOR SHARE`), so only the live owner in the cluster can do it.
extension PostgresStore {
    func issueKeysWithPendingMessages() async throws -> [String] {
        try await read { connection in
            try await connection.values("""
                SELECT issueKey FROM inbox_messages WHERE handledAt IS NULL GROUP BY issueKey ORDER BY MIN(id)
                """, as: String.self, logger: self.logger)
        }
    }

    func nextPendingMessage(issueKey: String) async throws -> InboxMessage? {
        try await read { connection in
            try await connection.records(InboxMessageRecord.self, "WHERE issueKey = \(issueKey) AND handledAt IS NULL ORDER BY id LIMIT 1",
                                         logger: self.logger).first?.message
        }
    }

    func markMessageHandled(id: Int64, outcome: String, lease: IssueLease, at date: Date) async throws {
        try await write(holding: lease) { connection in
            try await Self.markHandled(id: id, outcome: outcome, at: date, connection, logger: self.logger)
        }
    }

    /// Marks one message handled inside the caller's transaction.
    static func markHandled(id: Int64, outcome: String, at date: Date, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("UPDATE inbox_messages SET handledAt = \(date), outcome = \(outcome) WHERE id = \(id)", logger: logger)
    }

    func messages(issueKey: String) async throws -> [InboxMessage] {
        try await read { connection in
            try await connection.records(InboxMessageRecord.self, "WHERE issueKey = \(issueKey) ORDER BY id", logger: self.logger).map(\.message)
        }
    }
}
