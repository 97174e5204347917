import DayshiftCore
import Foundation
import GRDB

// Alarms: persisted wake-ups.
extension Store {
    /// Ends a step attempt that failed transiently and schedules its retry, in one transaction:
    /// the step goes back to `pending` (keeping the error) and a `retry` alarm is due at `dueAt`.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; GRDB's `DatabaseError`.
    public func scheduleRetry(runID: Int64, step: StepName, error: String, dueAt: Date, lease: IssueLease, at date: Date = Date()) async throws {
        try await write(holding: lease) { db in
            try StepRecord.filter(key: [StepRecord.Columns.runId.name: runID, StepRecord.Columns.name.name: step.rawValue])
                .updateAll(db, StepRecord.Columns.status.set(to: StepStatus.pending.rawValue), StepRecord.Columns.endedAt.set(to: date),
                           StepRecord.Columns.error.set(to: error))
            var alarm = AlarmRecord(issueKey: lease.issueKey, runId: runID, kind: .retry, step: step, dueAt: dueAt, createdAt: date)
            try alarm.insert(db)
        }
    }

    /// The run's pending alarm that is not yet due, if any (a step must not retry before it).
    /// - Throws: GRDB's `DatabaseError`.
    public func pendingAlarm(runID: Int64, now: Date = Date()) async throws -> Alarm? {
        try await database.read { db in
            try AlarmRecord.filter(AlarmRecord.Columns.runId == runID && AlarmRecord.Columns.firedAt == nil && AlarmRecord.Columns.dueAt > now)
                .order(AlarmRecord.Columns.dueAt).fetchOne(db)?.alarm
        }
    }

    /// Marks every alarm due by `now` fired and returns them (their issue objects must be woken).
    /// - Throws: GRDB's `DatabaseError`.
    public func fireDueAlarms(now: Date = Date()) async throws -> [Alarm] {
        try await database.write { db in
            let due = AlarmRecord.filter(AlarmRecord.Columns.firedAt == nil && AlarmRecord.Columns.dueAt <= now)
            let alarms = try due.order(AlarmRecord.Columns.dueAt).fetchAll(db)
            guard !alarms.isEmpty else { return [] }
            try due.updateAll(db, AlarmRecord.Columns.firedAt.set(to: now))
            return alarms.map(\.alarm)
        }
    }

    /// When the next pending alarm is due, if any.
    /// - Throws: GRDB's `DatabaseError`.
    public func nextAlarmDue() async throws -> Date? {
        try await database.read { db in
            try Date.fetchOne(db, AlarmRecord.filter(AlarmRecord.Columns.firedAt == nil).select(min(AlarmRecord.Columns.dueAt)))
        }
    }

    /// All alarms of a run, oldest first.
    /// - Throws: GRDB's `DatabaseError`.
    public func alarms(runID: Int64) async throws -> [Alarm] {
        try await database.read { db in
            try AlarmRecord.filter(AlarmRecord.Columns.runId == runID).order(AlarmRecord.Columns.id).fetchAll(db).map(\.alarm)
        }
    }
}
