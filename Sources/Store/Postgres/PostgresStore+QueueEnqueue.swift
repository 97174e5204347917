import DayshiftCore
import Foundation
import Logging
import PostgresNIO

// A run's entry into and exit from the slot queue, inside its start and finish transactions
// (called by startRun and finishRun), as SQLiteStore's `enqueue` and `release`.
extension PostgresStore {
    /// Queues a new run (part of its start transaction), after checking the daily budgets.
    ///
    /// The budget check counts the day's queue rows and then inserts one: with budgets set it
    /// takes `AdvisoryLock.runQueue` first, so two replicas starting runs of one repository or
    /// installation at once count each other's and never pass a budget together. Without budgets
    /// nothing is counted and no lock is taken.
    /// - Throws: ``DailyBudgetRefusal`` when a daily budget of its repository or installation is
    ///   used up (nothing is written); `PSQLError`.
    static func enqueue(runID: Int64, issueKey: String, issue: IssueSnapshot, budget: DailyBudget, at date: Date,
                        on connection: PostgresConnection, logger: Logger) async throws {
        let repository = issue.repository.lowercased()
        let installation = issue.installationID ?? 0
        if !budget.isUnlimited {
            try await AdvisoryLock.runQueue.take(on: connection, logger: logger)
            let usage = try await dailyUsage(repository: repository, installation: installation, on: date, on: connection, logger: logger)
            let day = DailyBudget.day(of: date)
            if let refusal = DailyBudgetRefusal.check(usage.repository, against: budget, scope: "repository \(issue.repository)", day: day)
                ?? (installation == 0 ? nil : DailyBudgetRefusal.check(usage.installation, against: budget, scope: "installation \(installation)", day: day)) {
                throw refusal
            }
        }
        try await connection.run("""
            INSERT INTO run_queue (runId, issueKey, repository, installation, enqueuedAt)
            VALUES (\(runID), \(issueKey), \(repository), \(installation), \(date))
            """, logger: logger)
    }

    /// Ends a finished run's place in the queue (part of its finish transaction): its slot, if it
    /// held one, is free for the next admission.
    /// - Throws: `PSQLError`.
    static func release(runID: Int64, at date: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("UPDATE run_queue SET releasedAt = \(date) WHERE runId = \(runID) AND releasedAt IS NULL", logger: logger)
    }
}
