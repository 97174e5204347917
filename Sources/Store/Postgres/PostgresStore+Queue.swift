import DayshiftCore
import Foundation
import Logging
import PostgresNIO

// The fair queue for sandbox slots (`run_queue`), as in SQLiteStore+Queue.swift: a run is queued
// in its start transaction, admitted in a transaction that counts the slots held, and releases its
// slot in its finish transaction.
//
// Several replicas admit from the same table: counting the slots held and giving the free ones is
// a read-then-write decision, so every admission takes the `AdvisoryLock.runQueue`
// transaction lock first. Two replicas admitting at once run one after the other, and the second
// counts the slots the first gave, so the limit holds across the cluster.
extension PostgresStore {
    func claimSlot(runID: Int64, limit: Int, at date: Date) async throws -> SlotClaim {
        try await write { connection in
            _ = try await Self.admit(limit: limit, at: date, on: connection, logger: self.logger)
            let entry = try await connection.records(QueueEntryRecord.self, "WHERE runId = \(runID)", logger: self.logger).first
            guard let entry, entry.releasedAt == nil else { return .notQueued }
            if entry.admittedAt != nil { return .holding }
            let order = try await Self.waitingOrder(on: connection, logger: self.logger)
            let position = (order.firstIndex { $0.runId == runID } ?? order.count) + 1
            return .waiting(position: position, notified: entry.notifiedAt != nil)
        }
    }

    func admitWaitingRuns(limit: Int, at date: Date) async throws -> [String] {
        try await write { connection in try await Self.admit(limit: limit, at: date, on: connection, logger: self.logger) }
    }

    func issueKeysHoldingSlots() async throws -> [String] {
        try await read { connection in try await Self.holding(on: connection, logger: self.logger).map(\.issueKey) }
    }

    func markQueueNotified(runID: Int64, at date: Date) async throws {
        try await write { connection in
            try await connection.run("UPDATE run_queue SET notifiedAt = \(date) WHERE runId = \(runID)", logger: self.logger)
        }
    }

    func queueSnapshot() async throws -> QueueSnapshot {
        try await readSnapshot { connection in
            let waiting = try await Self.waitingOrder(on: connection, logger: self.logger).enumerated().map { index, entry in
                QueuedRun(runID: entry.runId, issueKey: entry.issueKey, installation: entry.installation, position: index + 1, since: entry.enqueuedAt)
            }
            return QueueSnapshot(holding: try await Self.holding(on: connection, logger: self.logger).map(\.runId), waiting: waiting)
        }
    }

    func admissionOrder(limit: Int) async throws -> [String] {
        try await read { connection in
            try await connection.values("SELECT issueKey FROM run_queue WHERE admission IS NOT NULL ORDER BY admission DESC LIMIT \(limit)",
                                        as: String.self, logger: self.logger).reversed()
        }
    }

    func dailyUsage(repository: String, installation: Int64, on date: Date) async throws -> (repository: DailyUsage, installation: DailyUsage) {
        try await read { connection in
            try await Self.dailyUsage(repository: repository, installation: installation, on: date, on: connection, logger: self.logger)
        }
    }

    /// Runs `body` in one read-only REPEATABLE READ transaction: its statements see one snapshot,
    /// as a SQLite read does.
    func readSnapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await write { connection in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            return try await body(connection)
        }
    }

    // MARK: inside transactions

    /// What a day's runs of one repository and one installation used (the `run_queue` ledger, with
    /// the LLM proxy's metered cost of those runs).
    static func dailyUsage(repository: String, installation: Int64, on date: Date, on connection: PostgresConnection,
                           logger: Logger) async throws -> (repository: DailyUsage, installation: DailyUsage) {
        let (start, end) = DailyBudget.dayInterval(of: date)
        func usage(_ row: PostgresRow?) throws -> DailyUsage {
            guard let (runs, cost) = try row?.decode((Int64, Double).self) else { return DailyUsage(runs: 0, costUSD: 0) }
            return DailyUsage(runs: Int(runs), costUSD: cost)
        }
        let repositoryUsage = try await connection.rows("""
            SELECT COUNT(*), COALESCE(SUM(u.costUSD), 0)::double precision FROM run_queue q LEFT JOIN run_model_usage u ON u.runId = q.runId
            WHERE q.repository = \(repository.lowercased()) AND q.enqueuedAt >= \(start) AND q.enqueuedAt < \(end)
            """, logger: logger).first
        let installationUsage = try await connection.rows("""
            SELECT COUNT(*), COALESCE(SUM(u.costUSD), 0)::double precision FROM run_queue q LEFT JOIN run_model_usage u ON u.runId = q.runId
            WHERE q.installation = \(installation) AND q.enqueuedAt >= \(start) AND q.enqueuedAt < \(end)
            """, logger: logger).first
        return (try usage(repositoryUsage), try usage(installationUsage))
    }

    /// Running runs holding a slot, in admission order.
    private static func holding(on connection: PostgresConnection, logger: Logger) async throws -> [QueueEntryRecord] {
        try await connection.records("""
            SELECT q.* FROM run_queue q JOIN runs r ON r.id = q.runId
            WHERE q.admittedAt IS NOT NULL AND q.releasedAt IS NULL AND r.status = \(RunStatus.running.rawValue) ORDER BY q.admission
            """, as: QueueEntryRecord.self, logger: logger)
    }

    /// How many running runs hold a slot (counted, not read: every claim asks it).
    private static func holdingCount(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        Int(try await connection.value("""
            SELECT COUNT(*) FROM run_queue q JOIN runs r ON r.id = q.runId
            WHERE q.admittedAt IS NOT NULL AND q.releasedAt IS NULL AND r.status = \(RunStatus.running.rawValue)
            """, as: Int64.self, logger: logger) ?? 0)
    }

    /// Running runs waiting for a slot (not cancelled: a cancelled run needs no sandbox), in service
    /// order: by installation in turns (``FairQueue``), and within one installation in the order
    /// their triggers arrived (the inbox message's id), as SQLite orders them.
    private static func waitingOrder(on connection: PostgresConnection, logger: Logger) async throws -> [QueueEntryRecord] {
        let waiting = try await connection.records("""
            SELECT q.* FROM run_queue q JOIN runs r ON r.id = q.runId
            WHERE q.admittedAt IS NULL AND q.releasedAt IS NULL AND r.status = \(RunStatus.running.rawValue) AND r.cancelRequestedAt IS NULL
            ORDER BY r.triggerMessageId, q.runId
            """, as: QueueEntryRecord.self, logger: logger)
        let lastServed = try await connection.value("SELECT installation FROM run_queue WHERE admission IS NOT NULL ORDER BY admission DESC LIMIT 1",
                                                    as: Int64.self, logger: logger)
        let byID = Dictionary(uniqueKeysWithValues: waiting.map { ($0.runId, $0) })
        return FairQueue.order(waiting.map { FairQueue.Entry(runID: $0.runId, installation: $0.installation) }, lastServed: lastServed)
            .compactMap { byID[$0.runID] }
    }

    /// Gives the free slots to the next waiting runs, under `AdvisoryLock.runQueue` (held to the end
    /// of the caller's transaction). Returns the issue keys admitted.
    private static func admit(limit: Int, at date: Date, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await AdvisoryLock.runQueue.take(on: connection, logger: logger)
        let free = limit - (try await holdingCount(on: connection, logger: logger))
        guard free > 0 else { return [] }
        var next = (try await connection.value("SELECT COALESCE(MAX(admission), 0) FROM run_queue", as: Int64.self, logger: logger) ?? 0) + 1
        var admitted: [String] = []
        for entry in try await waitingOrder(on: connection, logger: logger).prefix(free) {
            // A finish committed since the read above releases the row: the re-checked condition
            // then matches nothing and the run is not counted as admitted.
            let updated = try await connection.value("""
                UPDATE run_queue SET admittedAt = \(date), admission = \(next)
                WHERE runId = \(entry.runId) AND admittedAt IS NULL AND releasedAt IS NULL RETURNING runId
                """, as: Int64.self, logger: logger)
            guard updated != nil else { continue }
            next += 1
            admitted.append(entry.issueKey)
        }
        return admitted
    }
}
