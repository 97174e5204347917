import DayshiftCore
import Foundation
import Logging
import PostgresNIO

// Runs and their step journals.
//
// Across replicas: one running run per issue is decided by the partial unique index
// `runs_one_running_per_issue` (the final judge): the insert names it as its `ON CONFLICT`
// arbiter, so a start racing another (uncommitted) start of the same issue waits for it and, when
// it committed, inserts nothing and reports ``StartRunError/alreadyRunning(runID:)``, as SQLite's
// check does under its single writer. Writes under a lease check it `FOR SHARE` (`write(holding:)`).
extension PostgresStore {
    func startRun(_ context: RunContext, lease: IssueLease, triggerMessageID: Int64, steps: [StepName], budget: DailyBudget, at date: Date,
                  takingQueuedFollowUps: Bool) async throws -> RunJournal {
        let issueKey = lease.issueKey
        let encoded = try JSONEncoder().encode(context)
        let logger = self.logger
        let (runID, sequence) = try await write(holding: lease) { connection in
            if let installation = context.issue.installationID {
                try await Self.lockInstallation(installation, connection, logger: logger)
                if let reason = try await Self.installationBlock(installationID: installation, repository: context.issue.repository, connection, logger: logger) {
                    throw StartRunError.installationBlocked(reason: reason)
                }
            }
            let sequence = try await connection.value("SELECT COALESCE(MAX(sequence), 0) + 1 FROM runs WHERE issueKey = \(issueKey)",
                                                      as: Int64.self, logger: logger) ?? 1
            let inserted = try await connection.value("""
                INSERT INTO runs (issueKey, sequence, status, triggerMessageId, context, createdAt)
                VALUES (\(issueKey), \(sequence), \(RunStatus.running.rawValue), \(triggerMessageID), \(encoded), \(date))
                ON CONFLICT (issueKey) WHERE status = 'running' DO NOTHING
                RETURNING id
                """, as: Int64.self, logger: logger)
            guard let runID = inserted else {
                // A new statement sees what committed meanwhile: the run that holds the index.
                let running = try await connection.value("SELECT id FROM runs WHERE issueKey = \(issueKey) AND status = 'running'",
                                                         as: Int64.self, logger: logger)
                throw StartRunError.alreadyRunning(runID: running ?? 0)
            }
            try await connection.run("""
                INSERT INTO run_steps (runId, name, position, status, attempt)
                SELECT \(runID), step.name, step.position - 1, \(StepStatus.pending.rawValue), 0
                FROM unnest(\(steps.map(\.rawValue))::text[]) WITH ORDINALITY AS step(name, position)
                """, logger: logger)
            try await Self.enqueue(runID: runID, issueKey: issueKey, issue: context.issue, budget: budget, at: date, on: connection, logger: logger)
            try await connection.run("""
                UPDATE inbox_messages SET handledAt = \(date), outcome = \("started run \(sequence)") WHERE id = \(triggerMessageID)
                """, logger: logger)
            if takingQueuedFollowUps {
                try await connection.run("DELETE FROM follow_up_queue WHERE issueKey = \(issueKey)", logger: logger)
            }
            return (runID, Int(sequence))
        }
        return RunJournal(run: Run(id: runID, issueKey: issueKey, sequence: sequence, status: .running, triggerMessageID: triggerMessageID,
                                   context: context, createdAt: date),
                          steps: steps.enumerated().map { JournalStep(name: $1, position: $0) })
    }

    func runningRun(issueKey: String) async throws -> Run? {
        try await runs("WHERE issueKey = \(issueKey) AND status = \(RunStatus.running.rawValue)").first
    }

    func latestRun(issueKey: String) async throws -> Run? {
        try await runs("WHERE issueKey = \(issueKey) ORDER BY sequence DESC LIMIT 1").first
    }

    func runs(issueKey: String) async throws -> [Run] {
        try await runs("WHERE issueKey = \(issueKey) ORDER BY sequence")
    }

    func run(id: Int64) async throws -> Run? {
        try await runs("WHERE id = \(id)").first
    }

    func runningRuns() async throws -> [Run] {
        try await runs("WHERE status = \(RunStatus.running.rawValue) ORDER BY id")
    }

    func journal(runID: Int64) async throws -> RunJournal? {
        try await journals("WHERE id = \(runID)").first
    }

    func runningJournals() async throws -> [RunJournal] {
        try await journals("WHERE status = \(RunStatus.running.rawValue)")
    }

    func succeededResults(issueKey: String, step: StepName) async throws -> [StepResult] {
        let data = try await read { connection in
            try await connection.values("""
                SELECT s.result FROM run_steps s JOIN runs r ON r.id = s.runId
                WHERE r.issueKey = \(issueKey) AND s.name = \(step.rawValue) AND s.status = \(StepStatus.succeeded.rawValue)
                AND s.result IS NOT NULL ORDER BY r.sequence
                """, as: Data.self, logger: self.logger)
        }
        return data.compactMap { StoredStepResult.decode($0, step: step) }
    }

    func beginStep(_ step: StepName, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws -> Int {
        let ends = try EncodedStepEnd.encode(completing)
        return try await write(holding: lease) { connection in
            try await Self.apply(ends, runID: runID, on: connection, logger: self.logger)
            let attempt = try await connection.value("""
                UPDATE run_steps SET status = \(StepStatus.running.rawValue), attempt = attempt + 1, startedAt = \(date), endedAt = NULL, error = NULL
                WHERE runId = \(runID) AND name = \(step.rawValue)
                RETURNING attempt
                """, as: Int64.self, logger: self.logger)
            return Int(attempt ?? 0)
        }
    }

    func completeStep(_ step: StepName, result: StepEnd, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws {
        let ends = try EncodedStepEnd.encode(completing + [StepCompletion(step: step, end: result, at: date)])
        try await write(holding: lease) { connection in try await Self.apply(ends, runID: runID, on: connection, logger: self.logger) }
    }

    func requestCancel(runID: Int64, lease: IssueLease, at date: Date) async throws {
        try await write(holding: lease) { connection in
            try await connection.run("UPDATE runs SET cancelRequestedAt = \(date) WHERE id = \(runID) AND cancelRequestedAt IS NULL", logger: self.logger)
        }
    }

    func finishRun(runID: Int64, status: RunStatus, summary: String, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws {
        let ends = try EncodedStepEnd.encode(completing)
        try await write(holding: lease) { connection in
            try await Self.apply(ends, runID: runID, on: connection, logger: self.logger)
            try await connection.run("""
                UPDATE runs SET status = \(status.rawValue), summary = \(summary), finishedAt = \(date) WHERE id = \(runID)
                """, logger: self.logger)
            try await Self.release(runID: runID, at: date, on: connection, logger: self.logger)
        }
    }

    // MARK: helpers

    /// The runs `clauses` (`WHERE …`, values bound) select, in their order.
    private func runs(_ clauses: PostgresQuery) async throws -> [Run] {
        try await read { connection in
            try await connection.records(RunRecord.self, clauses, logger: self.logger).map { try $0.run() }
        }
    }

    /// The journals of the runs `clauses` (`WHERE …`, values bound) select, oldest run first, read
    /// in one snapshot (a read-only REPEATABLE READ transaction: the runs and their steps agree).
    private func journals(_ clauses: PostgresQuery) async throws -> [RunJournal] {
        try await write { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            let runs = try await connection.records(RunRecord.self, clauses, logger: self.logger)
            guard !runs.isEmpty else { return [] }
            let ids = runs.compactMap(\.id)
            let steps = try await connection.records(StepRecord.self, "WHERE runId = ANY(\(ids)) ORDER BY runId, position", logger: self.logger)
            let byRun = Dictionary(grouping: steps, by: \.runId)
            return try runs.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
                .map { RunJournal(run: try $0.run(), steps: (byRun[$0.id ?? 0] ?? []).map(\.step)) }
        }
    }

    /// Writes each step end (inside the caller's transaction).
    private static func apply(_ ends: [EncodedStepEnd], runID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        for end in ends {
            try await connection.run("""
                UPDATE run_steps SET status = \(end.status.rawValue), endedAt = \(end.at), result = \(end.result), error = \(end.error)
                WHERE runId = \(runID) AND name = \(end.step.rawValue)
                """, logger: logger)
        }
    }
}
