import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+ModelUsage.swift).
extension PostgresStore {
    func addModelUsage(runID: Int64, _ call: ModelCallUsage, at date: Date) async throws {
        throw PostgresStoreUnfinished(operation: "addModelUsage")
    }

    func usage(runID: Int64) async throws -> RunModelUsage? {
        throw PostgresStoreUnfinished(operation: "usage")
    }

}
