import DayshiftCore
import Foundation
import PostgresNIO

// Alarms: persisted wake-ups.
//
// Across replicas: each due alarm fires once. `fireDueAlarms` claims the due rows with
// `FOR UPDATE SKIP LOCKED` in its UPDATE's subquery: a replica firing at the same time skips
// the rows another is claiming instead of waiting for them, and a row it does lock is checked
// again (`firedAt IS NULL`) after the other's commit, so no alarm is returned to two replicas.
extension PostgresStore {
    func scheduleRetry(runID: Int64, step: StepName, error: String, dueAt: Date, lease: IssueLease, at date: Date) async throws {
        try await write(holding: lease) { connection in
            try await connection.run("""
                UPDATE run_steps SET status = \(StepStatus.pending.rawValue), endedAt = \(date), error = \(error)
                WHERE runId = \(runID) AND name = \(step.rawValue)
                """, logger: self.logger)
            try await connection.run("""
                INSERT INTO alarms (issueKey, runId, kind, step, dueAt, createdAt)
                VALUES (\(lease.issueKey), \(runID), \(Alarm.Kind.retry.rawValue), \(step.rawValue), \(dueAt), \(date))
                """, logger: self.logger)
        }
    }

    func pendingAlarm(runID: Int64, now: Date) async throws -> Alarm? {
        try await alarms("WHERE runId = \(runID) AND firedAt IS NULL AND dueAt > \(now) ORDER BY dueAt, id LIMIT 1").first
    }

    func fireDueAlarms(now: Date) async throws -> [Alarm] {
        try await write { connection in
            let fired = try await connection.records("""
                UPDATE alarms SET firedAt = \(now)
                WHERE id IN (SELECT id FROM alarms WHERE firedAt IS NULL AND dueAt <= \(now) FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, as: AlarmRecord.self, logger: self.logger)
            // RETURNING has no order; SQLite's fires in due order.
            return fired.sorted { ($0.dueAt, $0.id ?? 0) < ($1.dueAt, $1.id ?? 0) }.map(\.alarm)
        }
    }

    func nextAlarmDue() async throws -> Date? {
        try await read { connection in
            try await connection.value("SELECT MIN(dueAt) FROM alarms WHERE firedAt IS NULL", as: Date?.self, logger: self.logger) ?? nil
        }
    }

    func alarms(runID: Int64) async throws -> [Alarm] {
        try await alarms("WHERE runId = \(runID) ORDER BY id")
    }

    /// The alarms `clauses` (`WHERE …`, values bound) select, in their order.
    private func alarms(_ clauses: PostgresQuery) async throws -> [Alarm] {
        try await read { connection in try await connection.records(AlarmRecord.self, clauses, logger: self.logger).map(\.alarm) }
    }
}
