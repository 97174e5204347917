import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Queue.swift).
extension PostgresStore {
    func claimSlot(runID: Int64, limit: Int, at date: Date) async throws -> SlotClaim {
        throw PostgresStoreUnfinished(operation: "claimSlot")
    }

    func admitWaitingRuns(limit: Int, at date: Date) async throws -> [String] {
        throw PostgresStoreUnfinished(operation: "admitWaitingRuns")
    }

    func issueKeysHoldingSlots() async throws -> [String] {
        throw PostgresStoreUnfinished(operation: "issueKeysHoldingSlots")
    }

    func markQueueNotified(runID: Int64, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "markQueueNotified")
    }

    func queueSnapshot() async throws -> QueueSnapshot {
        throw PostgresStoreUnfinished(operation: "queueSnapshot")
    }

    func admissionOrder(limit: Int) async throws -> [String] {
        throw PostgresStoreUnfinished(operation: "admissionOrder")
    }

    func dailyUsage(repository: String, installation: Int64, on date: Date) async throws -> (repository: DailyUsage, installation: DailyUsage) {
        throw PostgresStoreUnfinished(operation: "dailyUsage")
    }
}
