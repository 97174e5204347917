import Foundation
import GRDB

// Leases: one live issue object per issue, enforced by the database.
extension SQLiteStore {
    func activate(issueKey: String, owner: String, at date: Date = Date()) async throws -> IssueLease {
        try await activate(issueKeys: [issueKey], owner: owner, at: date)[0]
    }

    func activate(issueKeys: [String], owner: String, at date: Date = Date()) async throws -> [IssueLease] {
        try await database.write { db in
            try issueKeys.map { issueKey in
                try db.execute(literal: """
                    INSERT INTO issue_objects (issueKey, epoch, owner, activatedAt) VALUES (\(issueKey), 1, \(owner), \(date))
                    ON CONFLICT(issueKey) DO UPDATE SET epoch = epoch + 1, owner = excluded.owner, activatedAt = excluded.activatedAt
                    """)
                let epoch = try Int64.fetchOne(db, sql: "SELECT epoch FROM issue_objects WHERE issueKey = ?", arguments: [issueKey]) ?? 0
                return IssueLease(issueKey: issueKey, epoch: epoch)
            }
        }
    }

    /// Runs `updates` in one write transaction after checking that `lease` is still current.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)`` when a newer activation exists.
    @discardableResult
    func write<T: Sendable>(holding lease: IssueLease, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write { db in
            let current = try Int64.fetchOne(db, sql: "SELECT epoch FROM issue_objects WHERE issueKey = ?", arguments: [lease.issueKey])
            guard current == lease.epoch else { throw StoreError.leaseLost(issueKey: lease.issueKey, epoch: lease.epoch) }
            return try updates(db)
        }
    }
}
