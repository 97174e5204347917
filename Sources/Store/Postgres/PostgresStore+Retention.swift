import DayshiftCore
import Foundation
import PostgresNIO

// Data hygiene: removing what is older than the retention settings, a small batch per
// transaction, with SQLite's rules (SQLiteStore+Retention.swift): never an unhandled message nor
// its delivery, never a run's trigger message (its delivery keeps its row, without payload),
// never a running run's journal nor a published commit.
//
// Replicas may prune at the same time: each batch locks the rows it picked (`FOR UPDATE SKIP
// LOCKED`), so two passes take disjoint batches and each counts only what it removed.
extension PostgresStore {
    func pruneDeliveries(actedBefore: Date?, ignoredBefore: Date?, limit: Int) async throws -> DeliveryPruning {
        guard actedBefore != nil || ignoredBefore != nil, limit > 0 else { return DeliveryPruning() }
        // A cutoff of `nil` becomes the distant past: nothing is older.
        let acted = actedBefore ?? .distantPast
        let ignored = ignoredBefore ?? .distantPast
        return try await write { connection in
            let guids = try await connection.values("""
                SELECT d.guid FROM deliveries d
                WHERE ((d.disposition = 'ignored' AND d.receivedAt < \(ignored)) OR (d.disposition <> 'ignored' AND d.receivedAt < \(acted)))
                  AND NOT EXISTS (SELECT 1 FROM inbox_messages m WHERE m.deliveryGuid = d.guid AND m.handledAt IS NULL)
                  AND (length(d.payload) > 0 OR NOT EXISTS (
                       SELECT 1 FROM inbox_messages m JOIN runs r ON r.triggerMessageId = m.id WHERE m.deliveryGuid = d.guid))
                LIMIT \(limit) FOR UPDATE OF d SKIP LOCKED
                """, as: String.self, logger: self.logger)
            var pruning = DeliveryPruning()
            for guid in guids {
                pruning.deletedMessages += try await connection.rows("""
                    DELETE FROM inbox_messages m
                    WHERE m.deliveryGuid = \(guid) AND m.handledAt IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.triggerMessageId = m.id)
                    RETURNING m.id
                    """, logger: self.logger).count
                let remaining = try await connection.value("SELECT COUNT(*) FROM inbox_messages WHERE deliveryGuid = \(guid)",
                                                           as: Int64.self, logger: self.logger) ?? 0
                if remaining == 0 {
                    try await connection.run("DELETE FROM deliveries WHERE guid = \(guid)", logger: self.logger)
                    pruning.deletedDeliveries += 1
                } else {
                    try await connection.run("UPDATE deliveries SET payload = ''::bytea WHERE guid = \(guid)", logger: self.logger)
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
        return try await write { connection in
            // FOR NO KEY UPDATE: other pruners skip these runs; inserts that reference a run (its
            // key) are not held up.
            let runIDs = try await connection.values("""
                SELECT r.id FROM runs r
                WHERE r.status <> \(RunStatus.running.rawValue) AND r.finishedAt IS NOT NULL AND r.finishedAt < \(finishedBefore)
                  AND (EXISTS (SELECT 1 FROM run_steps s WHERE s.runId = r.id AND NOT (s.name = \(publish) AND s.status = \(succeeded)))
                       OR EXISTS (SELECT 1 FROM alarms a WHERE a.runId = r.id AND a.firedAt IS NOT NULL))
                ORDER BY r.id LIMIT \(limit) FOR NO KEY UPDATE OF r SKIP LOCKED
                """, as: Int64.self, logger: self.logger)
            var pruning = RunJournalPruning()
            for runID in runIDs {
                pruning.deletedSteps += try await connection.rows("""
                    DELETE FROM run_steps WHERE runId = \(runID) AND NOT (name = \(publish) AND status = \(succeeded)) RETURNING runId
                    """, logger: self.logger).count
                pruning.deletedAlarms += try await connection.rows("DELETE FROM alarms WHERE runId = \(runID) AND firedAt IS NOT NULL RETURNING id",
                                                                   logger: self.logger).count
                try await connection.run("DELETE FROM agent_transcripts WHERE runId = \(runID)", logger: self.logger)
                pruning.runs += 1
            }
            return pruning
        }
    }
}
