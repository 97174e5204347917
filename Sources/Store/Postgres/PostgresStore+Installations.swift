import DayshiftCore
import Foundation
import PostgresNIO

// GitHub App installations: blocked (deleted, suspended, repositories removed) or allowed.
// The delivery's GUID decides as in intake (`ON CONFLICT (guid) DO NOTHING`: a change delivered
// to two replicas is applied once); a block is an upsert on its primary key
// (`installationId, repository`), so concurrent changes never fail on each other.
extension PostgresStore {
    func recordInstallationChange(_ delivery: Delivery, change: InstallationChange) async throws -> InstallationChangeOutcome {
        let row = DeliveryRecord(delivery)
        return try await retryingDeadlocks {
            try await self.write { connection in
                guard case .recorded = try await Self.insert(row, message: nil, connection, logger: self.logger) else { return .duplicate }
                try await Self.lockInstallation(change.installationID, connection, logger: self.logger)
                let scopes = change.repositories ?? [""]
                guard change.blocks else {
                    for scope in scopes {
                        try await connection.run("""
                            DELETE FROM installation_blocks WHERE installationId = \(change.installationID) AND repository = \(scope)
                            """, logger: self.logger)
                    }
                    return .recorded(cancelling: [])
                }
                for scope in scopes {
                    try await connection.run("""
                        INSERT INTO installation_blocks (installationId, repository, reason, since)
                        VALUES (\(change.installationID), \(scope), \(change.cause), \(delivery.receivedAt))
                        ON CONFLICT (installationId, repository) DO UPDATE SET reason = excluded.reason
                        """, logger: self.logger)
                }
                var cancelling: [String] = []
                let running = try await connection.records(RunRecord.self, "WHERE status = \(RunStatus.running.rawValue) ORDER BY id",
                                                           logger: self.logger)
                for record in running {
                    guard let run = try? record.run(), run.context.issue.installationID == change.installationID else { continue }
                    if let repositories = change.repositories, !repositories.contains(run.context.issue.repository.lowercased()) { continue }
                    guard let key = IssueKey(run.issueKey) else { continue }
                    let message = IssueMessage(issueKey: key, command: .cancel, snapshot: run.context.issue,
                                               origin: TriggerOrigin(kind: .installation, sender: nil, triggerKey: nil))
                    let stored = try InboxMessageRecord(message, deliveryGUID: delivery.guid, createdAt: delivery.receivedAt)
                    _ = try await Self.insertMessage(stored, connection, logger: self.logger)
                    cancelling.append(run.issueKey)
                }
                if !cancelling.isEmpty {
                    try await connection.run("""
                        UPDATE deliveries SET reason = \(Store.reason(delivery.decision.reason, cancelling: cancelling)) WHERE guid = \(delivery.guid)
                        """, logger: self.logger)
                }
                return .recorded(cancelling: cancelling)
            }
        }
    }

    func installationBlock(installationID: Int64, repository: String) async throws -> String? {
        try await read { connection in
            try await Self.installationBlock(installationID: installationID, repository: repository, connection, logger: self.logger)
        }
    }

    /// The block on the installation (or on this repository of it), inside the caller's transaction.
    static func installationBlock(installationID: Int64, repository: String, _ connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await connection.value("""
            SELECT reason FROM installation_blocks WHERE installationId = \(installationID) AND repository IN ('', \(repository.lowercased()))
            ORDER BY repository LIMIT 1
            """, as: String.self, logger: logger)
    }

    /// Serialises, across replicas, what one installation's block decides: recording a change
    /// (blocks, then the running runs to cancel) and starting a run (the block check, then the
    /// insert) take this transaction lock first, so neither misses the other.
    static func lockInstallation(_ installationID: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\("dayshift-installation:\(installationID)"), 0))", logger: logger)
    }

    func runCount(issueKey: String, since: Date) async throws -> Int {
        try await read { connection in
            Int(try await connection.value("""
                SELECT count(*) FROM runs WHERE issueKey = \(issueKey) AND createdAt >= \(since)
                """, as: Int64.self, logger: self.logger) ?? 0)
        }
    }
}
