import DayshiftCore
import Foundation

// Follow-ups queued while a run was running (at most one run is queued: it takes them all).
extension Store {
    /// Queues a follow-up message and marks it handled with `outcome`, in one transaction.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func queueFollowUp(messageID: Int64, outcome: String, lease: IssueLease, at date: Date = Date()) async throws {
        try await backend.queueFollowUp(messageID: messageID, outcome: outcome, lease: lease, at: date)
    }

    /// The issue's queued follow-up messages, oldest first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func queuedFollowUps(issueKey: String) async throws -> [InboxMessage] {
        try await backend.queuedFollowUps(issueKey: issueKey)
    }
}
