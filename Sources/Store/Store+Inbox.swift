import DayshiftCore
import Foundation

// The issue objects' inbox.
extension Store {
    /// Issue keys that have unhandled messages, oldest message first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func issueKeysWithPendingMessages() async throws -> [String] {
        try await backend.issueKeysWithPendingMessages()
    }

    /// The oldest unhandled message for one issue object.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func nextPendingMessage(issueKey: String) async throws -> InboxMessage? {
        try await backend.nextPendingMessage(issueKey: issueKey)
    }

    /// Marks a message handled with what was done about it (e.g. `no running run to stop`).
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func markMessageHandled(id: Int64, outcome: String, lease: IssueLease, at date: Date = Date()) async throws {
        try await backend.markMessageHandled(id: id, outcome: outcome, lease: lease, at: date)
    }

    /// All messages for one issue object, oldest first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func messages(issueKey: String) async throws -> [InboxMessage] {
        try await backend.messages(issueKey: issueKey)
    }
}
