import DayshiftCore
import Foundation
import GRDB



// Data hygiene: removing what is older than the retention settings, a small batch per transaction.
extension SQLiteStore {
    func pruneDeliveries(actedBefore: Date?, ignoredBefore: Date?, limit: Int) async throws -> DeliveryPruning {
        guard actedBefore != nil || ignoredBefore != nil, limit > 0 else { return DeliveryPruning() }
        // A cutoff of `nil` becomes the distant past: nothing is older.
        let acted = actedBefore ?? .distantPast
        let ignored = ignoredBefore ?? .distantPast
        return try await write { db in
            let guids = try String.fetchAll(db, sql: """
                SELECT d.guid FROM deliveries d
                WHERE ((d.disposition = 'ignored' AND d.receivedAt < ?) OR (d.disposition <> 'ignored' AND d.receivedAt < ?))
                  AND NOT EXISTS (SELECT 1 FROM inbox_messages m WHERE m.deliveryGuid = d.guid AND m.handledAt IS NULL)
                  AND (length(d.payload) > 0 OR NOT EXISTS (
                       SELECT 1 FROM inbox_messages m JOIN runs r ON r.triggerMessageId = m.id WHERE m.deliveryGuid = d.guid))
                LIMIT ?
                """, arguments: [ignored, acted, limit])
            var pruning = DeliveryPruning()
            for guid in guids {
                try db.execute(sql: """
                    DELETE FROM inbox_messages
                    WHERE deliveryGuid = ? AND handledAt IS NOT NULL AND id NOT IN (SELECT triggerMessageId FROM runs)
                    """, arguments: [guid])
                pruning.deletedMessages += db.changesCount
                let remaining = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_messages WHERE deliveryGuid = ?", arguments: [guid]) ?? 0
                if remaining == 0 {
                    try db.execute(sql: "DELETE FROM deliveries WHERE guid = ?", arguments: [guid])
                    pruning.deletedDeliveries += 1
                } else {
                    try db.execute(sql: "UPDATE deliveries SET payload = X'' WHERE guid = ?", arguments: [guid])
                    pruning.emptiedPayloads += 1
                }
            }
            return pruning
        }
    }

    func pruneRunJournals(finishedBefore: Date, limit: Int) async throws -> RunJournalPruning {
        guard limit > 0 else { return RunJournalPruning() }
        let publish = StepName.publish.rawValue
        let succeeded = StepStatus.succeeded.rawValue
        return try await write { db in
            let runIDs = try Int64.fetchAll(db, sql: """
                SELECT r.id FROM runs r
                WHERE r.status <> ? AND r.finishedAt IS NOT NULL AND r.finishedAt < ?
                  AND (EXISTS (SELECT 1 FROM run_steps s WHERE s.runId = r.id AND NOT (s.name = ? AND s.status = ?))
                       OR EXISTS (SELECT 1 FROM alarms a WHERE a.runId = r.id AND a.firedAt IS NOT NULL))
                ORDER BY r.id LIMIT ?
                """, arguments: [RunStatus.running.rawValue, finishedBefore, publish, succeeded, limit])
            var pruning = RunJournalPruning()
            for runID in runIDs {
                try db.execute(sql: "DELETE FROM run_steps WHERE runId = ? AND NOT (name = ? AND status = ?)",
                               arguments: [runID, publish, succeeded])
                pruning.deletedSteps += db.changesCount
                try db.execute(sql: "DELETE FROM alarms WHERE runId = ? AND firedAt IS NOT NULL", arguments: [runID])
                pruning.deletedAlarms += db.changesCount
                try db.execute(sql: "DELETE FROM agent_transcripts WHERE runId = ?", arguments: [runID])
                pruning.runs += 1
            }
            return pruning
        }
    }
}
