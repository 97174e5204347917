import Foundation
import PostgresNIO

// Leases: one live issue object per issue, enforced by the database.
extension PostgresStore {
    func activate(issueKey: String, owner: String, at date: Date) async throws -> IssueLease {
        try await activate(issueKeys: [issueKey], owner: owner, at: date)[0]
    }

    func activate(issueKeys: [String], owner: String, at date: Date) async throws -> [IssueLease] {
        try await write { connection in
            var leases: [IssueLease] = []
            for issueKey in issueKeys {
                let epoch = try await connection.value("""
                    INSERT INTO issue_objects (issueKey, epoch, owner, activatedAt) VALUES (\(issueKey), 1, \(owner), \(date))
                    ON CONFLICT (issueKey) DO UPDATE SET epoch = issue_objects.epoch + 1, owner = excluded.owner, activatedAt = excluded.activatedAt
                    RETURNING epoch
                    """, as: Int64.self, logger: self.logger) ?? 0
                leases.append(IssueLease(issueKey: issueKey, epoch: epoch))
            }
            return leases
        }
    }
}
