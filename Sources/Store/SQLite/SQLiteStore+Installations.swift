import DayshiftCore
import Foundation
import GRDB


// GitHub App installations: blocked (deleted, suspended, repositories removed) or allowed.
extension SQLiteStore {
    func recordInstallationChange(_ delivery: Delivery, change: InstallationChange) async throws -> InstallationChangeOutcome {
        let row = DeliveryRecord(delivery)
        return try await write { db in
            guard case .recorded = try Self.insert(row, message: nil, db) else { return .duplicate }
            let scopes = change.repositories ?? [""]
            guard change.blocks else {
                for scope in scopes {
                    try db.execute(sql: "DELETE FROM installation_blocks WHERE installationId = ? AND repository = ?",
                                   arguments: [change.installationID, scope])
                }
                return .recorded(cancelling: [])
            }
            for scope in scopes {
                try db.execute(sql: """
                    INSERT INTO installation_blocks (installationId, repository, reason, since) VALUES (?, ?, ?, ?)
                    ON CONFLICT(installationId, repository) DO UPDATE SET reason = excluded.reason
                    """, arguments: [change.installationID, scope, change.cause, StoredDate.text(delivery.receivedAt)])
            }
            var cancelling: [String] = []
            for record in try RunRecord.filter(RunRecord.Columns.status == RunStatus.running.rawValue).fetchAll(db) {
                guard let run = try? record.run(), run.context.issue.installationID == change.installationID else { continue }
                if let repositories = change.repositories, !repositories.contains(run.context.issue.repository.lowercased()) { continue }
                guard let key = IssueKey(run.issueKey) else { continue }
                let message = IssueMessage(issueKey: key, command: .cancel, snapshot: run.context.issue,
                                           origin: TriggerOrigin(kind: .installation, sender: nil, triggerKey: nil))
                var stored = try InboxMessageRecord(message, deliveryGUID: delivery.guid, createdAt: delivery.receivedAt)
                try stored.insert(db)
                cancelling.append(run.issueKey)
            }
            if !cancelling.isEmpty {
                try db.execute(sql: "UPDATE deliveries SET reason = ? WHERE guid = ?",
                               arguments: [Store.reason(delivery.decision.reason, cancelling: cancelling), delivery.guid])
            }
            return .recorded(cancelling: cancelling)
        }
    }


    func installationBlock(installationID: Int64, repository: String) async throws -> String? {
        try await database.read { db in try Self.installationBlock(installationID: installationID, repository: repository, db) }
    }

    /// The block on the installation (or on this repository of it), inside the caller's transaction.
    static func installationBlock(installationID: Int64, repository: String, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT reason FROM installation_blocks WHERE installationId = ? AND repository IN ('', ?) ORDER BY repository LIMIT 1
            """, arguments: [installationID, repository.lowercased()])
    }

    func runCount(issueKey: String, since: Date) async throws -> Int {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.issueKey == issueKey && RunRecord.Columns.createdAt >= since).fetchCount(db)
        }
    }
}
