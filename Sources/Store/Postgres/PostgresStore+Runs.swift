import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Runs.swift).
extension PostgresStore {
    func startRun(_ context: RunContext, lease: IssueLease, triggerMessageID: Int64, steps: [StepName], budget: DailyBudget, at date: Date, takingQueuedFollowUps: Bool) async throws -> RunJournal {
        // SCRATCH (pg-queue, reverted): a minimal startRun to test the queue; pg-runs writes the real one.
        let encoded = try JSONEncoder().encode(context)
        let issueKey = lease.issueKey
        let (runID, sequence) = try await write(holding: lease) { connection in
            let sequence = (try await connection.value("SELECT COALESCE(MAX(sequence), 0) FROM runs WHERE issueKey = \(issueKey)", as: Int64.self, logger: self.logger) ?? 0) + 1
            let runID = try await connection.value("""
                INSERT INTO runs (issueKey, sequence, status, triggerMessageId, context, createdAt)
                VALUES (\(issueKey), \(sequence), 'running', \(triggerMessageID), \(encoded), \(date)) RETURNING id
                """, as: Int64.self, logger: self.logger) ?? 0
            for (position, name) in steps.enumerated() {
                try await connection.run("INSERT INTO run_steps (runId, name, position, status, attempt) VALUES (\(runID), \(name.rawValue), \(Int64(position)), 'pending', 0)", logger: self.logger)
            }
            try await Self.enqueue(runID: runID, issueKey: issueKey, issue: context.issue, budget: budget, at: date, on: connection, logger: self.logger)
            try await connection.run("UPDATE inbox_messages SET handledAt = \(date), outcome = 'started' WHERE id = \(triggerMessageID)", logger: self.logger)
            return (runID, sequence)
        }
        return RunJournal(run: Run(id: runID, issueKey: issueKey, sequence: Int(sequence), status: .running, triggerMessageID: triggerMessageID,
                                   context: context, createdAt: date),
                          steps: steps.enumerated().map { JournalStep(name: $1, position: $0) })
    }

    func runningRun(issueKey: String) async throws -> Run? {
        throw PostgresStoreUnfinished(operation: "runningRun")
    }

    func latestRun(issueKey: String) async throws -> Run? {
        throw PostgresStoreUnfinished(operation: "latestRun")
    }

    func runs(issueKey: String) async throws -> [Run] {
        try await read { connection in
            try await connection.rows("SELECT * FROM runs WHERE issueKey = \(issueKey) ORDER BY sequence", logger: self.logger).map { try $0.decode(record: RunRecord.self).run() }
        }
    }

    func run(id: Int64) async throws -> Run? {
        throw PostgresStoreUnfinished(operation: "run")
    }

    func runningRuns() async throws -> [Run] {
        throw PostgresStoreUnfinished(operation: "runningRuns")
    }

    func journal(runID: Int64) async throws -> RunJournal? {
        throw PostgresStoreUnfinished(operation: "journal")
    }

    func runningJournals() async throws -> [RunJournal] {
        throw PostgresStoreUnfinished(operation: "runningJournals")
    }

    func succeededResults(issueKey: String, step: StepName) async throws -> [StepResult] {
        throw PostgresStoreUnfinished(operation: "succeededResults")
    }

    func beginStep(_ step: StepName, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws -> Int {
        throw PostgresStoreUnfinished(operation: "beginStep")
    }

    func completeStep(_ step: StepName, result: StepEnd, runID: Int64, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "completeStep")
    }

    func requestCancel(runID: Int64, lease: IssueLease, at date: Date) async throws {
        try await write(holding: lease) { connection in
            try await connection.run("UPDATE runs SET cancelRequestedAt = \(date) WHERE id = \(runID) AND cancelRequestedAt IS NULL", logger: self.logger)
        }
    }

    func finishRun(runID: Int64, status: RunStatus, summary: String, completing: [StepCompletion], lease: IssueLease, at date: Date) async throws {
        try await write(holding: lease) { connection in
            try await connection.run("UPDATE runs SET status = \(status.rawValue), summary = \(summary), finishedAt = \(date) WHERE id = \(runID)", logger: self.logger)
            try await Self.release(runID: runID, at: date, on: connection, logger: self.logger)
        }
    }
}
