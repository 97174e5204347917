import DayshiftCore
import Foundation
import GRDB

// The fair queue for sandbox slots (`run_queue`). A run is queued in its start transaction,
// admitted (given a slot) in a transaction that counts the slots held, and releases its slot in
// its finish transaction: a crash anywhere in between leaves the slot with the run that holds
// it, which resumes at the next start, so a slot is never lost nor given twice.
extension SQLiteStore {
    func claimSlot(runID: Int64, limit: Int, at date: Date = Date()) async throws -> SlotClaim {
        try await write { db in
            _ = try Self.admit(limit: limit, at: date, db)
            guard let entry = try QueueEntryRecord.fetchOne(db, key: runID), entry.releasedAt == nil else { return .notQueued }
            if entry.admittedAt != nil { return .holding }
            let order = try Self.waitingOrder(db)
            let position = (order.firstIndex { $0.runId == runID } ?? order.count) + 1
            return .waiting(position: position, notified: entry.notifiedAt != nil)
        }
    }

    func admitWaitingRuns(limit: Int, at date: Date = Date()) async throws -> [String] {
        try await write { db in try Self.admit(limit: limit, at: date, db) }
    }

    func issueKeysHoldingSlots() async throws -> [String] {
        try await database.read { db in try Self.holding(db).map(\.issueKey) }
    }

    func markQueueNotified(runID: Int64, at date: Date = Date()) async throws {
        try await write { db in
            _ = try QueueEntryRecord.filter(key: runID).updateAll(db, QueueEntryRecord.Columns.notifiedAt.set(to: date))
        }
    }

    func queueSnapshot() async throws -> QueueSnapshot {
        try await database.read { db in
            let waiting = try Self.waitingOrder(db).enumerated().map { index, entry in
                QueuedRun(runID: entry.runId, issueKey: entry.issueKey, installation: entry.installation, position: index + 1, since: entry.enqueuedAt)
            }
            return QueueSnapshot(holding: try Self.holding(db).map(\.runId), waiting: waiting)
        }
    }

    func admissionOrder(limit: Int = 100) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT issueKey FROM run_queue WHERE admission IS NOT NULL ORDER BY admission DESC LIMIT ?", arguments: [limit])
                .reversed()
        }
    }

    func dailyUsage(repository: String, installation: Int64, on date: Date = Date()) async throws -> (repository: DailyUsage, installation: DailyUsage) {
        try await database.read { db in try Self.dailyUsage(repository: repository, installation: installation, on: date, db) }
    }

    // MARK: inside transactions

    /// Queues a new run (part of its start transaction), after checking the daily budgets.
    /// - Throws: ``DailyBudgetRefusal`` when a daily budget of its repository or installation is used up.
    static func enqueue(runID: Int64, issueKey: String, issue: IssueSnapshot, budget: DailyBudget, at date: Date, _ db: Database) throws {
        let repository = issue.repository.lowercased()
        let installation = issue.installationID ?? 0
        if !budget.isUnlimited {
            let usage = try dailyUsage(repository: repository, installation: installation, on: date, db)
            let day = DailyBudget.day(of: date)
            if let refusal = DailyBudgetRefusal.check(usage.repository, against: budget, scope: "repository \(issue.repository)", day: day)
                ?? (installation == 0 ? nil : DailyBudgetRefusal.check(usage.installation, against: budget, scope: "installation \(installation)", day: day)) {
                throw refusal
            }
        }
        try QueueEntryRecord(runId: runID, issueKey: issueKey, repository: repository, installation: installation, enqueuedAt: date).insert(db)
    }

    /// Ends a finished run's place in the queue (part of its finish transaction): its slot, if it held one, is free.
    static func release(runID: Int64, at date: Date, _ db: Database) throws {
        try QueueEntryRecord.filter(key: runID).filter(QueueEntryRecord.Columns.releasedAt == nil)
            .updateAll(db, QueueEntryRecord.Columns.releasedAt.set(to: date))
    }

    private static func dailyUsage(repository: String, installation: Int64, on date: Date, _ db: Database) throws -> (repository: DailyUsage, installation: DailyUsage) {
        let (start, end) = DailyBudget.dayInterval(of: date)
        func usage(_ column: String, _ value: any DatabaseValueConvertible) throws -> DailyUsage {
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS runs, COALESCE(SUM(u.costUSD), 0) AS cost FROM run_queue q LEFT JOIN run_model_usage u ON u.runId = q.runId
                WHERE q.\(column) = ? AND q.enqueuedAt >= ? AND q.enqueuedAt < ?
                """, arguments: [value, start, end])
            return DailyUsage(runs: row?["runs"] ?? 0, costUSD: row?["cost"] ?? 0)
        }
        return (try usage("repository", repository.lowercased()), try usage("installation", installation))
    }

    /// Running runs holding a slot.
    private static func holding(_ db: Database) throws -> [QueueEntryRecord] {
        try QueueEntryRecord.fetchAll(db, sql: """
            SELECT q.* FROM run_queue q JOIN runs r ON r.id = q.runId
            WHERE q.admittedAt IS NOT NULL AND q.releasedAt IS NULL AND r.status = ? ORDER BY q.admission
            """, arguments: [RunStatus.running.rawValue])
    }

    /// How many running runs hold a slot (counted, not read: every claim asks it).
    private static func holdingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM run_queue q JOIN runs r ON r.id = q.runId
            WHERE q.admittedAt IS NOT NULL AND q.releasedAt IS NULL AND r.status = ?
            """, arguments: [RunStatus.running.rawValue]) ?? 0
    }

    /// Running runs waiting for a slot (not cancelled: a cancelled run needs no sandbox), next first.
    /// The waiting runs in service order: by installation in turns (``FairQueue``), and within one
    /// installation in the order their triggers arrived (the inbox message's id, given at intake),
    /// whichever issue object got to its message first.
    private static func waitingOrder(_ db: Database) throws -> [QueueEntryRecord] {
        let waiting = try QueueEntryRecord.fetchAll(db, sql: """
            SELECT q.* FROM run_queue q JOIN runs r ON r.id = q.runId
            WHERE q.admittedAt IS NULL AND q.releasedAt IS NULL AND r.status = ? AND r.cancelRequestedAt IS NULL
            ORDER BY r.triggerMessageId, q.runId
            """, arguments: [RunStatus.running.rawValue])
        let lastServed = try Int64.fetchOne(db, sql: "SELECT installation FROM run_queue WHERE admission IS NOT NULL ORDER BY admission DESC LIMIT 1")
        let byID = Dictionary(uniqueKeysWithValues: waiting.map { ($0.runId, $0) })
        return FairQueue.order(waiting.map { FairQueue.Entry(runID: $0.runId, installation: $0.installation) }, lastServed: lastServed)
            .compactMap { byID[$0.runID] }
    }

    private static func admit(limit: Int, at date: Date, _ db: Database) throws -> [String] {
        let free = limit - (try holdingCount(db))
        guard free > 0 else { return [] }
        var next = (try Int64.fetchOne(db, sql: "SELECT MAX(admission) FROM run_queue") ?? 0) + 1
        var admitted: [String] = []
        for entry in try waitingOrder(db).prefix(free) {
            try QueueEntryRecord.filter(key: entry.runId)
                .updateAll(db, QueueEntryRecord.Columns.admittedAt.set(to: date), QueueEntryRecord.Columns.admission.set(to: next))
            next += 1
            admitted.append(entry.issueKey)
        }
        return admitted
    }
}
