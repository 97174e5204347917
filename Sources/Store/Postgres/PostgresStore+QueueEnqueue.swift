import DayshiftCore
import Foundation
import Logging
import PostgresNIO

// TEMPORARY (branch pg-runs): the queue's part of a run's start and finish transactions. The
// queue's branch (pg-queue) owns this file and replaces it with the real implementation, same
// signatures: this version queues without checking the daily budgets.
extension PostgresStore {
    /// Queues a new run (part of its start transaction).
    /// - Throws: ``PostgresStoreUnfinished`` when `budget` has a limit (checking it is not built here).
    static func enqueue(runID: Int64, issueKey: String, issue: IssueSnapshot, budget: DailyBudget, at date: Date, on connection: PostgresConnection,
                        logger: Logger) async throws {
        guard budget.isUnlimited else { throw PostgresStoreUnfinished(operation: "enqueue with daily budgets") }
        try await connection.run("""
            INSERT INTO run_queue (runId, issueKey, repository, installation, enqueuedAt)
            VALUES (\(runID), \(issueKey), \(issue.repository.lowercased()), \(issue.installationID ?? 0), \(date))
            """, logger: logger)
    }

    /// Ends a finished run's place in the queue (part of its finish transaction): its slot, if it held one, is free.
    static func release(runID: Int64, at date: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("UPDATE run_queue SET releasedAt = \(date) WHERE runId = \(runID) AND releasedAt IS NULL", logger: logger)
    }
}
