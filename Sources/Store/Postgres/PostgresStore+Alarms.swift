import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Alarms.swift).
extension PostgresStore {
    func scheduleRetry(runID: Int64, step: StepName, error: String, dueAt: Date, lease: IssueLease, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "scheduleRetry")
    }

    func pendingAlarm(runID: Int64, now: Date) async throws -> Alarm? {
        throw PostgresStoreUnfinished(operation: "pendingAlarm")
    }

    func fireDueAlarms(now: Date) async throws -> [Alarm] {
        throw PostgresStoreUnfinished(operation: "fireDueAlarms")
    }

    func nextAlarmDue() async throws -> Date? {
        throw PostgresStoreUnfinished(operation: "nextAlarmDue")
    }

    func alarms(runID: Int64) async throws -> [Alarm] {
        throw PostgresStoreUnfinished(operation: "alarms")
    }
}
