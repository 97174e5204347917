import DayshiftCore
import Foundation
import GRDB

// Alarms: persisted wake-ups.
extension SQLiteStore {
    func scheduleRetry(runID: Int64, step: StepName, error: String, dueAt: Date, lease: IssueLease, at date: Date = Date()) async throws {
        try await write(holding: lease) { db in
            try StepRecord.filter(key: [StepRecord.Columns.runId.name: runID, StepRecord.Columns.name.name: step.rawValue])
                .updateAll(db, StepRecord.Columns.status.set(to: StepStatus.pending.rawValue), StepRecord.Columns.endedAt.set(to: date),
                           StepRecord.Columns.error.set(to: error))
            var alarm = AlarmRecord(issueKey: lease.issueKey, runId: runID, kind: .retry, step: step, dueAt: dueAt, createdAt: date)
            try alarm.insert(db)
        }
    }

    func pendingAlarm(runID: Int64, now: Date = Date()) async throws -> Alarm? {
        try await database.read { db in
            try AlarmRecord.filter(AlarmRecord.Columns.runId == runID && AlarmRecord.Columns.firedAt == nil && AlarmRecord.Columns.dueAt > now)
                .order(AlarmRecord.Columns.dueAt).fetchOne(db)?.alarm
        }
    }

    func fireDueAlarms(now: Date = Date()) async throws -> [Alarm] {
        try await write { db in
            let due = AlarmRecord.filter(AlarmRecord.Columns.firedAt == nil && AlarmRecord.Columns.dueAt <= now)
            let alarms = try due.order(AlarmRecord.Columns.dueAt).fetchAll(db)
            guard !alarms.isEmpty else { return [] }
            try due.updateAll(db, AlarmRecord.Columns.firedAt.set(to: now))
            return alarms.map(\.alarm)
        }
    }

    func nextAlarmDue() async throws -> Date? {
        try await database.read { db in
            try Date.fetchOne(db, AlarmRecord.filter(AlarmRecord.Columns.firedAt == nil).select(min(AlarmRecord.Columns.dueAt)))
        }
    }

    func alarms(runID: Int64) async throws -> [Alarm] {
        try await database.read { db in
            try AlarmRecord.filter(AlarmRecord.Columns.runId == runID).order(AlarmRecord.Columns.id).fetchAll(db).map(\.alarm)
        }
    }
}
