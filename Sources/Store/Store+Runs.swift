import DayshiftCore
import Foundation

// Runs and their step journals.
extension Store {
    /// Starts a run: inserts it with its journal (every step `pending`), queues it for a sandbox
    /// slot (table `run_queue`) and marks the triggering message handled (`started run N`), in one
    /// transaction, unless a daily budget of its repository or installation is used up.
    /// - Parameter budget: the daily budgets (`budgets.*`); none by default.
    /// - Returns: the new run's journal.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; ``StartRunError/alreadyRunning(runID:)`` when the issue has a running run
    ///   (the database's unique index is the final judge, so two racing callers cannot both succeed);
    ///   ``StartRunError/installationBlocked(reason:)`` when the issue's installation is blocked; `DailyBudgetRefusal`
    ///   when a daily budget is used up (nothing is written); a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    /// - Parameter takingQueuedFollowUps: also empties the issue's follow-up queue (``queueFollowUp(messageID:outcome:lease:)``)
    ///   in the same transaction: the run takes them.
    public func startRun(_ context: RunContext, lease: IssueLease, triggerMessageID: Int64, steps: [StepName], budget: DailyBudget = DailyBudget(),
                         at date: Date = Date(), takingQueuedFollowUps: Bool = false) async throws -> RunJournal {
        try await backend.startRun(context, lease: lease, triggerMessageID: triggerMessageID, steps: steps, budget: budget, at: date, takingQueuedFollowUps: takingQueuedFollowUps)
    }

    /// The issue's running run, if any.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when its stored context does not decode.
    public func runningRun(issueKey: String) async throws -> Run? {
        try await backend.runningRun(issueKey: issueKey)
    }

    /// The issue's most recent run, if any.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when its stored context does not decode.
    public func latestRun(issueKey: String) async throws -> Run? {
        try await backend.latestRun(issueKey: issueKey)
    }

    /// All runs of one issue, oldest first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when a stored context does not decode.
    public func runs(issueKey: String) async throws -> [Run] {
        try await backend.runs(issueKey: issueKey)
    }

    /// The run with this id, if any.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when its stored context does not decode.
    public func run(id: Int64) async throws -> Run? {
        try await backend.run(id: id)
    }

    /// Every run still `running` (after a restart: the ones to resume), oldest first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when a stored context does not decode.
    public func runningRuns() async throws -> [Run] {
        try await backend.runningRuns()
    }

    /// The run and all its steps, in one read.
    /// - Returns: `nil` when there is no such run.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when its stored context does not decode.
    public func journal(runID: Int64) async throws -> RunJournal? {
        try await backend.journal(runID: runID)
    }

    /// The journal of every run still `running`, oldest first, in one read (what a restart resumes).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`); `DecodingError` when a stored context does not decode.
    public func runningJournals() async throws -> [RunJournal] {
        try await backend.runningJournals()
    }

    /// The results of `step` where it succeeded, in every run of the issue, oldest run first
    /// (e.g. every commit the publish step wrote for it).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func succeededResults(issueKey: String, step: StepName) async throws -> [StepResult] {
        try await backend.succeededResults(issueKey: issueKey, step: step)
    }

    /// Marks a step `running` and counts the attempt, after committing `completing` (earlier
    /// steps' ends) in the same transaction; committed before the step's effect starts.
    /// - Returns: the attempt number, from 1.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func beginStep(_ step: StepName, runID: Int64, completing: [StepCompletion] = [], lease: IssueLease, at date: Date = Date()) async throws -> Int {
        try await backend.beginStep(step, runID: runID, completing: completing, lease: lease, at: date)
    }

    /// Records how a step ended (and any earlier ends in `completing` first), in one transaction.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func completeStep(_ step: StepName, result: StepEnd, runID: Int64, completing: [StepCompletion] = [], lease: IssueLease,
                             at date: Date = Date()) async throws {
        try await backend.completeStep(step, result: result, runID: runID, completing: completing, lease: lease, at: date)
    }

    /// Records that the run was asked to stop (survives a restart).
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func requestCancel(runID: Int64, lease: IssueLease, at date: Date = Date()) async throws {
        try await backend.requestCancel(runID: runID, lease: lease, at: date)
    }

    /// Ends a run with its final status and a one-line summary, after committing `completing`
    /// (the last steps' ends), and frees its sandbox slot, in the same transaction.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func finishRun(runID: Int64, status: RunStatus, summary: String, completing: [StepCompletion] = [], lease: IssueLease,
                          at date: Date = Date()) async throws {
        try await backend.finishRun(runID: runID, status: status, summary: summary, completing: completing, lease: lease, at: date)
    }
}
