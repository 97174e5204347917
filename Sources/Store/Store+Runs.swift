import DayshiftConfig
import DayshiftCore
import Foundation
import GRDB

// Runs and their step journals.
/// Why ``Store/startRun(issueKey:triggerMessageID:context:steps:)`` did not start a run.
public enum StartRunError: Error, Equatable {
    /// Another run of this issue is still `running`.
    case alreadyRunning(runID: Int64)
}

extension Store {
    /// Starts a run: inserts it with its journal (every step `pending`) and marks the triggering
    /// message handled, in one transaction.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; ``StartRunError/alreadyRunning(runID:)`` when the issue has a running run (the
    ///   database's unique index is the final judge, so two racing callers cannot both succeed).
    public func startRun(lease: IssueLease, triggerMessageID: Int64, context: Data, steps: [StepName], at date: Date = Date()) throws -> RunRecord {
        let issueKey = lease.issueKey
        return try write(holding: lease) { db in
            if let running = try RunRecord.filter(Column("issueKey") == issueKey && Column("status") == RunRecord.Status.running.rawValue).fetchOne(db) {
                throw StartRunError.alreadyRunning(runID: running.id ?? 0)
            }
            let sequence = (try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM runs WHERE issueKey = ?", arguments: [issueKey]) ?? 0) + 1
            var run = RunRecord(issueKey: issueKey, sequence: sequence, triggerMessageId: triggerMessageID, context: context, createdAt: date)
            try run.insert(db)
            guard let runID = run.id else { throw DatabaseError(message: "run inserted without id") }
            for (position, name) in steps.enumerated() {
                try StepRecord(runId: runID, name: name, position: position).insert(db)
            }
            try db.execute(literal: "UPDATE inbox_messages SET handledAt = \(date), outcome = \("started run \(sequence)") WHERE id = \(triggerMessageID)")
            return run
        }
    }

    /// The issue's running run, if any.
    public func runningRun(issueKey: String) throws -> RunRecord? {
        try database.read { db in
            try RunRecord.filter(Column("issueKey") == issueKey && Column("status") == RunRecord.Status.running.rawValue).fetchOne(db)
        }
    }

    /// The issue's most recent run, if any.
    public func latestRun(issueKey: String) throws -> RunRecord? {
        try database.read { db in
            try RunRecord.filter(Column("issueKey") == issueKey).order(Column("sequence").desc).fetchOne(db)
        }
    }

    /// All runs of one issue, oldest first.
    public func runs(issueKey: String) throws -> [RunRecord] {
        try database.read { db in try RunRecord.filter(Column("issueKey") == issueKey).order(Column("sequence")).fetchAll(db) }
    }

    public func run(id: Int64) throws -> RunRecord? {
        try database.read { db in try RunRecord.fetchOne(db, key: id) }
    }

    /// Every run still `running` (after a restart: the ones to resume).
    public func runningRuns() throws -> [RunRecord] {
        try database.read { db in
            try RunRecord.filter(Column("status") == RunRecord.Status.running.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    /// The run's journal, in step order.
    public func steps(runID: Int64) throws -> [StepRecord] {
        try database.read { db in
            try StepRecord.filter(Column("runId") == runID).order(Column("position")).fetchAll(db)
        }
    }

    /// The stored results of `step` where it succeeded, in every run of the issue, oldest first
    /// (e.g. every commit the publish step wrote for it).
    public func succeededStepResults(issueKey: String, step: StepName) throws -> [Data] {
        try database.read { db in
            try Data.fetchAll(db, sql: """
                SELECT s.result FROM run_steps s JOIN runs r ON r.id = s.runId
                WHERE r.issueKey = ? AND s.name = ? AND s.status = ? AND s.result IS NOT NULL ORDER BY r.sequence
                """, arguments: [issueKey, step.rawValue, StepRecord.Status.succeeded.rawValue])
        }
    }

    /// Marks a step `running` and counts the attempt; committed before the step's effect starts.
    /// - Returns: the attempt number, from 1.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``.
    public func beginStep(runID: Int64, step: StepName, lease: IssueLease, at date: Date = Date()) throws -> Int {
        try write(holding: lease) { db in
            try db.execute(literal: """
                UPDATE run_steps SET status = 'running', attempt = attempt + 1, startedAt = \(date), endedAt = NULL, error = NULL
                WHERE runId = \(runID) AND name = \(step.rawValue)
                """)
            return try Int.fetchOne(db, sql: "SELECT attempt FROM run_steps WHERE runId = ? AND name = ?", arguments: [runID, step.rawValue]) ?? 0
        }
    }

    /// Records how a step ended; committed before the next step starts.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``.
    public func endStep(runID: Int64, step: StepName, status: StepRecord.Status, result: Data?, error: String?, lease: IssueLease, at date: Date = Date()) throws {
        try write(holding: lease) { db in
            try db.execute(literal: """
                UPDATE run_steps SET status = \(status.rawValue), endedAt = \(date), result = \(result), error = \(error)
                WHERE runId = \(runID) AND name = \(step.rawValue)
                """)
        }
    }

    /// Records that the run was asked to stop (survives a restart).
    public func requestCancel(runID: Int64, lease: IssueLease, at date: Date = Date()) throws {
        try write(holding: lease) { db in
            try db.execute(literal: "UPDATE runs SET cancelRequestedAt = \(date) WHERE id = \(runID) AND cancelRequestedAt IS NULL")
        }
    }

    /// Ends a run with its final status and a one-line summary.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``.
    public func finishRun(runID: Int64, status: RunRecord.Status, summary: String, lease: IssueLease, at date: Date = Date()) throws {
        try write(holding: lease) { db in
            try db.execute(literal: "UPDATE runs SET status = \(status.rawValue), summary = \(summary), finishedAt = \(date) WHERE id = \(runID)")
        }
    }
}
