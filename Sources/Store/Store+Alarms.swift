import DayshiftCore
import Foundation

// Alarms: persisted wake-ups.
extension Store {
    /// Ends a step attempt that failed transiently and schedules its retry, in one transaction:
    /// the step goes back to `pending` (keeping the error) and a `retry` alarm is due at `dueAt`.
    /// - Throws: ``StoreError/leaseLost(issueKey:epoch:)``; a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func scheduleRetry(runID: Int64, step: StepName, error: String, dueAt: Date, lease: IssueLease, at date: Date = Date()) async throws {
        try await backend.scheduleRetry(runID: runID, step: step, error: error, dueAt: dueAt, lease: lease, at: date)
    }

    /// The run's pending alarm that is not yet due, if any (a step must not retry before it).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func pendingAlarm(runID: Int64, now: Date = Date()) async throws -> Alarm? {
        try await backend.pendingAlarm(runID: runID, now: now)
    }

    /// Marks every alarm due by `now` fired and returns them (their issue objects must be woken).
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func fireDueAlarms(now: Date = Date()) async throws -> [Alarm] {
        try await backend.fireDueAlarms(now: now)
    }

    /// When the next pending alarm is due, if any.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func nextAlarmDue() async throws -> Date? {
        try await backend.nextAlarmDue()
    }

    /// All alarms of a run, oldest first.
    /// - Throws: a database error (GRDB's `DatabaseError`, PostgresNIO's `PSQLError`).
    public func alarms(runID: Int64) async throws -> [Alarm] {
        try await backend.alarms(runID: runID)
    }
}
