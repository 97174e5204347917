import DayshiftConfig
import DayshiftCore
import Foundation
import GRDB

// Alarms: persisted wake-ups.
extension Store {
    /// Ends a step attempt that failed transiently and schedules its retry, in one transaction:
    /// the step goes back to `pending` (keeping the error) and a `retry` alarm is due at `dueAt`.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``.
    public func scheduleRetry(runID: Int64, step: StepName, error: String, dueAt: Date, lease: IssueLease, at date: Date = Date()) throws {
        try write(holding: lease) { db in
            try db.execute(literal: """
                UPDATE run_steps SET status = 'pending', endedAt = \(date), error = \(error)
                WHERE runId = \(runID) AND name = \(step.rawValue)
                """)
            var alarm = AlarmRecord(issueKey: lease.issueKey, runId: runID, kind: .retry, step: step.rawValue, dueAt: dueAt, createdAt: date)
            try alarm.insert(db)
        }
    }

    /// The run's pending alarm that is not yet due, if any (a step must not retry before it).
    public func pendingAlarm(runID: Int64, now: Date = Date()) throws -> AlarmRecord? {
        try database.read { db in
            try AlarmRecord.filter(Column("runId") == runID && Column("firedAt") == nil && Column("dueAt") > now)
                .order(Column("dueAt")).fetchOne(db)
        }
    }

    /// Marks every alarm due by `now` fired and returns them (their issue objects must be woken).
    public func fireDueAlarms(now: Date = Date()) throws -> [AlarmRecord] {
        try database.write { db in
            let due = try AlarmRecord.filter(Column("firedAt") == nil && Column("dueAt") <= now).order(Column("dueAt")).fetchAll(db)
            try db.execute(literal: "UPDATE alarms SET firedAt = \(now) WHERE firedAt IS NULL AND dueAt <= \(now)")
            return due
        }
    }

    /// When the next pending alarm is due, if any.
    public func nextAlarmDue() throws -> Date? {
        try database.read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(dueAt) FROM alarms WHERE firedAt IS NULL")
        }
    }

    /// All alarms of a run, oldest first.
    public func alarms(runID: Int64) throws -> [AlarmRecord] {
        try database.read { db in try AlarmRecord.filter(Column("runId") == runID).order(Column("id")).fetchAll(db) }
    }
}
