import DayshiftCore
import Foundation
import GRDB

/// What ``Store/recordInstallationChange(_:change:)`` did.
public enum InstallationChangeOutcome: Sendable, Equatable {
    /// Stored; `cancelling` lists the issue keys of the running runs sent a cancel message.
    case recorded(cancelling: [String])
    /// A delivery with this GUID was stored before; nothing changed.
    case duplicate
}

// GitHub App installations: blocked (deleted, suspended, repositories removed) or allowed.
extension Store {
    /// Stores an `installation` / `installation_repositories` delivery and applies its change in one
    /// transaction: a block is recorded (whole installation, or per repository) and every running
    /// run it covers gets a `cancel` message (its report and cleanup still run), named in the
    /// delivery's reason (``reason(_:cancelling:)``); an unblock removes
    /// the block. A GUID seen before changes nothing.
    /// - Throws: GRDB's `DatabaseError` (nothing is stored then).
    public func recordInstallationChange(_ delivery: Delivery, change: InstallationChange) async throws -> InstallationChangeOutcome {
        let row = DeliveryRecord(delivery)
        return try await database.write { db in
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
                               arguments: [Self.reason(delivery.decision.reason, cancelling: cancelling), delivery.guid])
            }
            return .recorded(cancelling: cancelling)
        }
    }

    /// A blocking delivery's stored reason, naming the runs it cancels.
    public static func reason(_ reason: String, cancelling: [String]) -> String {
        cancelling.isEmpty ? reason : reason + "; cancelling the runs of " + cancelling.joined(separator: ", ")
    }

    /// Why Dayshift may not work on `repository` through `installationID` (e.g.
    /// `installation.suspend`), or `nil` when it may.
    /// - Throws: GRDB's `DatabaseError`.
    public func installationBlock(installationID: Int64, repository: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: """
                SELECT reason FROM installation_blocks WHERE installationId = ? AND repository IN ('', ?) ORDER BY repository LIMIT 1
                """, arguments: [installationID, repository.lowercased()])
        }
    }

    /// Number of runs of one issue created at or after `since` (for the hourly cap).
    /// - Throws: GRDB's `DatabaseError`.
    public func runCount(issueKey: String, since: Date) async throws -> Int {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.issueKey == issueKey && RunRecord.Columns.createdAt >= since).fetchCount(db)
        }
    }
}
