import Foundation
import GRDB

// Leases: one live issue object per issue, enforced by the database. SQLite has one writer, so
// each activation's read-then-write is one decision.
extension SQLiteStore {
    func activate(issueKeys: [String], owner: String, leaseSeconds: Double?, at date: Date) async throws -> [IssueLease] {
        let expiresAt = leaseSeconds.map { date.addingTimeInterval($0) }
        return try await write { db in
            try issueKeys.compactMap { issueKey in
                let current = try Row.fetchOne(db, sql: "SELECT epoch, owner, expiresAt FROM issue_objects WHERE issueKey = ?", arguments: [issueKey])
                if let current, current["owner"] as String != owner, let until = current["expiresAt"] as Date?, until > date {
                    return nil  // another owner's live lease
                }
                let epoch = (current?["epoch"] as Int64? ?? 0) + 1
                try db.execute(literal: """
                    INSERT INTO issue_objects (issueKey, epoch, owner, activatedAt, expiresAt) VALUES (\(issueKey), \(epoch), \(owner), \(date), \(expiresAt))
                    ON CONFLICT(issueKey) DO UPDATE SET epoch = excluded.epoch, owner = excluded.owner, activatedAt = excluded.activatedAt, expiresAt = excluded.expiresAt
                    """)
                // The previous term ends here if it had not already (superseded before it expired).
                try db.execute(literal: """
                    UPDATE issue_object_leases SET releasedAt = \(date)
                    WHERE issueKey = \(issueKey) AND epoch = \(epoch - 1) AND releasedAt IS NULL AND (expiresAt IS NULL OR expiresAt > \(date))
                    """)
                try db.execute(literal: """
                    INSERT INTO issue_object_leases (issueKey, epoch, owner, acquiredAt, expiresAt) VALUES (\(issueKey), \(epoch), \(owner), \(date), \(expiresAt))
                    """)
                return IssueLease(issueKey: issueKey, epoch: epoch)
            }
        }
    }

    func renewLeases(_ leases: [IssueLease], leaseSeconds: Double, at date: Date) async throws -> [IssueLease] {
        let expiresAt = date.addingTimeInterval(leaseSeconds)
        return try await write { db in
            try leases.filter { lease in
                try db.execute(literal: """
                    UPDATE issue_objects SET expiresAt = \(expiresAt) WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch) AND expiresAt > \(date)
                    """)
                guard db.changesCount > 0 else { return true }
                try db.execute(literal: "UPDATE issue_object_leases SET expiresAt = \(expiresAt) WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch)")
                return false
            }
        }
    }

    func releaseLeases(_ leases: [IssueLease], at date: Date) async throws {
        try await write { db in
            for lease in leases {
                try db.execute(literal: "UPDATE issue_objects SET expiresAt = \(date) WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch)")
                guard db.changesCount > 0 else { continue }
                try db.execute(literal: """
                    UPDATE issue_object_leases SET releasedAt = \(date) WHERE issueKey = \(lease.issueKey) AND epoch = \(lease.epoch) AND releasedAt IS NULL
                    """)
            }
        }
    }

    func liveLeaseOwners(at date: Date) async throws -> [String: (owner: String, expiresAt: Date)] {
        try await database.read { db in
            var owners: [String: (owner: String, expiresAt: Date)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT issueKey, owner, expiresAt FROM issue_objects WHERE expiresAt > ?", arguments: [date]) {
                owners[row["issueKey"]] = (row["owner"], row["expiresAt"])
            }
            return owners
        }
    }

    func leaseHistory(issueKey: String?) async throws -> [LeaseTerm] {
        try await database.read { db in
            let columns = "SELECT issueKey, epoch, owner, acquiredAt, expiresAt, releasedAt FROM issue_object_leases"
            let rows = if let issueKey {
                try Row.fetchAll(db, sql: "\(columns) WHERE issueKey = ? ORDER BY epoch", arguments: [issueKey])
            } else {
                try Row.fetchAll(db, sql: "\(columns) ORDER BY issueKey, epoch")
            }
            return rows.map { row in
                LeaseTerm(issueKey: row["issueKey"], epoch: row["epoch"], owner: row["owner"], acquiredAt: row["acquiredAt"],
                          expiresAt: row["expiresAt"], releasedAt: row["releasedAt"])
            }
        }
    }

    func pruneLeaseHistory(acquiredBefore: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(literal: """
                DELETE FROM issue_object_leases WHERE (issueKey, epoch) IN (
                    SELECT h.issueKey, h.epoch FROM issue_object_leases h JOIN issue_objects o ON o.issueKey = h.issueKey
                    WHERE h.acquiredAt < \(acquiredBefore) AND h.epoch < o.epoch ORDER BY h.acquiredAt LIMIT \(limit))
                """)
            return db.changesCount
        }
    }

    /// One server uses a SQLite file: there is nobody else to wake.
    func wakeUps(ignoring owner: String) -> AsyncStream<Void> {
        AsyncStream { $0.finish() }
    }

    func wakeOtherReplicas(from owner: String) async throws {}

    /// The data directory's lock already keeps a second server away from a SQLite file.
    func claimForServing(alone: Bool) async throws -> ServingClaim? {
        ServingClaim {}
    }

    func sweepingAlone(_ sweep: ClusterSweep, _ body: @Sendable () async -> Void) async throws -> Bool {
        await body()
        return true
    }

    /// Runs `updates` in one write transaction after checking that `lease` is still current.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)`` when a newer activation exists.
    @discardableResult
    func write<T: Sendable>(holding lease: IssueLease, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await write { db in
            let current = try Int64.fetchOne(db.cachedStatement(sql: "SELECT epoch FROM issue_objects WHERE issueKey = ?"), arguments: [lease.issueKey])
            guard current == lease.epoch else { throw StoreError.leaseLost(issueKey: lease.issueKey, epoch: lease.epoch) }
            return try updates(db)
        }
    }
}
