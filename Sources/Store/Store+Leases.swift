import Foundation

// Leases: one live issue object per issue, enforced by the database.
extension Store {
    /// Activates an issue object: takes the next epoch for `issueKey` (table `issue_objects`).
    /// - Parameter owner: who holds it, for operators (e.g. `host:pid`).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func activate(issueKey: String, owner: String, at date: Date = Date()) async throws -> IssueLease {
        try await backend.activate(issueKey: issueKey, owner: owner, at: date)
    }

    /// Activates many issue objects in one transaction (a restart resuming every unfinished run):
    /// the next epoch for each key, leases in input order.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func activate(issueKeys: [String], owner: String, at date: Date = Date()) async throws -> [IssueLease] {
        try await backend.activate(issueKeys: issueKeys, owner: owner, at: date)
    }
}
