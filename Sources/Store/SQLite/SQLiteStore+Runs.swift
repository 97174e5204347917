import DayshiftCore
import Foundation
import GRDB

// Runs and their step journals.
extension SQLiteStore {
    func startRun(_ context: RunContext, lease: IssueLease, triggerMessageID: Int64, steps: [StepName], budget: DailyBudget = DailyBudget(),
                         at date: Date = Date(), takingQueuedFollowUps: Bool = false) async throws -> RunJournal {
        let issueKey = lease.issueKey
        let encoded = try JSONEncoder().encode(context)
        let record = try await write(holding: lease) { db in
            if let running = try RunRecord.filter(RunRecord.Columns.issueKey == issueKey && RunRecord.Columns.status == RunStatus.running.rawValue).fetchOne(db) {
                throw StartRunError.alreadyRunning(runID: running.id ?? 0)
            }
            if let installation = context.issue.installationID,
               let reason = try Self.installationBlock(installationID: installation, repository: context.issue.repository, db) {
                throw StartRunError.installationBlocked(reason: reason)
            }
            let sequence = (try Int.fetchOne(db, RunRecord.filter(RunRecord.Columns.issueKey == issueKey).select(max(RunRecord.Columns.sequence))) ?? 0) + 1
            var run = RunRecord(issueKey: issueKey, sequence: sequence, triggerMessageId: triggerMessageID, context: encoded, createdAt: date)
            try run.insert(db)
            guard let runID = run.id else { throw DatabaseError(message: "run inserted without id") }
            for (position, name) in steps.enumerated() {
                try StepRecord(runId: runID, name: name, position: position).insert(db)
            }
            try Self.enqueue(runID: runID, issueKey: issueKey, issue: context.issue, budget: budget, at: date, db)
            try Self.markHandled(id: triggerMessageID, outcome: "started run \(sequence)", at: date, db)
            if takingQueuedFollowUps {
                try db.execute(sql: "DELETE FROM follow_up_queue WHERE issueKey = ?", arguments: [issueKey])
            }
            return run
        }
        return RunJournal(run: Run(id: record.id ?? 0, issueKey: issueKey, sequence: record.sequence, status: .running, triggerMessageID: triggerMessageID,
                                   context: context, createdAt: date),
                          steps: steps.enumerated().map { JournalStep(name: $1, position: $0) })
    }

    func runningRun(issueKey: String) async throws -> Run? {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.issueKey == issueKey && RunRecord.Columns.status == RunStatus.running.rawValue).fetchOne(db)?.run()
        }
    }

    func latestRun(issueKey: String) async throws -> Run? {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.issueKey == issueKey).order(RunRecord.Columns.sequence.desc).fetchOne(db)?.run()
        }
    }

    func runs(issueKey: String) async throws -> [Run] {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.issueKey == issueKey).order(RunRecord.Columns.sequence).fetchAll(db).map { try $0.run() }
        }
    }

    func run(id: Int64) async throws -> Run? {
        try await database.read { db in try RunRecord.fetchOne(db, key: id)?.run() }
    }

    func runningRuns() async throws -> [Run] {
        try await database.read { db in
            try RunRecord.filter(RunRecord.Columns.status == RunStatus.running.rawValue).order(RunRecord.Columns.id).fetchAll(db).map { try $0.run() }
        }
    }

    func journal(runID: Int64) async throws -> RunJournal? {
        try await database.read { db in
            guard let run = try RunRecord.fetchOne(db, key: runID) else { return nil }
            let steps = try StepRecord.filter(StepRecord.Columns.runId == runID).order(StepRecord.Columns.position).fetchAll(db)
            return RunJournal(run: try run.run(), steps: steps.map(\.step))
        }
    }

    func runningJournals() async throws -> [RunJournal] {
        try await database.read { db in
            let runs = try RunRecord.filter(RunRecord.Columns.status == RunStatus.running.rawValue).order(RunRecord.Columns.id).fetchAll(db)
            let steps = try StepRecord.fetchAll(db, sql: """
                SELECT run_steps.* FROM run_steps JOIN runs ON runs.id = run_steps.runId
                WHERE runs.status = ? ORDER BY run_steps.runId, run_steps.position
                """, arguments: [RunStatus.running.rawValue])
            let byRun = Dictionary(grouping: steps, by: \.runId)
            return try runs.map { RunJournal(run: try $0.run(), steps: (byRun[$0.id ?? 0] ?? []).map(\.step)) }
        }
    }

    func succeededResults(issueKey: String, step: StepName) async throws -> [StepResult] {
        let data = try await database.read { db in
            try Data.fetchAll(db, sql: """
                SELECT s.result FROM run_steps s JOIN runs r ON r.id = s.runId
                WHERE r.issueKey = ? AND s.name = ? AND s.status = ? AND s.result IS NOT NULL ORDER BY r.sequence
                """, arguments: [issueKey, step.rawValue, StepStatus.succeeded.rawValue])
        }
        return data.compactMap { StoredStepResult.decode($0, step: step) }
    }

    func beginStep(_ step: StepName, runID: Int64, completing: [StepCompletion] = [], lease: IssueLease, at date: Date = Date()) async throws -> Int {
        let ends = try EncodedStepEnd.encode(completing)
        return try await write(holding: lease) { db in
            try Self.apply(ends, runID: runID, db)
            return try Int.fetchOne(db.cachedStatement(sql: Self.beginStepSQL),
                                    arguments: [StepStatus.running.rawValue, StoredDate.text(date), runID, step.rawValue]) ?? 0
        }
    }

    func completeStep(_ step: StepName, result: StepEnd, runID: Int64, completing: [StepCompletion] = [], lease: IssueLease,
                             at date: Date = Date()) async throws {
        let ends = try EncodedStepEnd.encode(completing + [StepCompletion(step: step, end: result, at: date)])
        try await write(holding: lease) { db in try Self.apply(ends, runID: runID, db) }
    }

    func requestCancel(runID: Int64, lease: IssueLease, at date: Date = Date()) async throws {
        try await write(holding: lease) { db in
            try RunRecord.filter(key: runID).filter(RunRecord.Columns.cancelRequestedAt == nil)
                .updateAll(db, RunRecord.Columns.cancelRequestedAt.set(to: date))
        }
    }

    func finishRun(runID: Int64, status: RunStatus, summary: String, completing: [StepCompletion] = [], lease: IssueLease,
                          at date: Date = Date()) async throws {
        let ends = try EncodedStepEnd.encode(completing)
        try await write(holding: lease) { db in
            try Self.apply(ends, runID: runID, db)
            try RunRecord.filter(key: runID).updateAll(db, RunRecord.Columns.status.set(to: status.rawValue), RunRecord.Columns.summary.set(to: summary),
                                                       RunRecord.Columns.finishedAt.set(to: date))
            try Self.release(runID: runID, at: date, db)
        }
    }

    // The journal's statements, prepared once per connection: a step boundary is on every run's
    // path, and the query interface generated and prepared its SQL on every call.
    private static let beginStepSQL = """
        UPDATE run_steps SET status = ?, attempt = attempt + 1, startedAt = ?, endedAt = NULL, error = NULL
        WHERE runId = ? AND name = ? RETURNING attempt
        """
    private static let endStepSQL = "UPDATE run_steps SET status = ?, endedAt = ?, result = ?, error = ? WHERE runId = ? AND name = ?"

    private static func apply(_ ends: [EncodedStepEnd], runID: Int64, _ db: Database) throws {
        for end in ends {
            try db.cachedStatement(sql: endStepSQL)
                .execute(arguments: [end.status.rawValue, StoredDate.text(end.at), end.result, end.error, runID, end.step.rawValue])
        }
    }
}
