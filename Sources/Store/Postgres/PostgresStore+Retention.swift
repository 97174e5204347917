import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+Retention.swift).
extension PostgresStore {
    func pruneDeliveries(actedBefore: Date?, ignoredBefore: Date?, limit: Int) async throws -> DeliveryPruning {
        throw PostgresStoreUnfinished(operation: "pruneDeliveries")
    }

    func pruneRunJournals(finishedBefore: Date, limit: Int) async throws -> RunJournalPruning {
        throw PostgresStoreUnfinished(operation: "pruneRunJournals")
    }
}
