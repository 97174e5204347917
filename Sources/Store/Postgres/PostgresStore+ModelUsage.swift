import DayshiftCore
import Foundation
import PostgresNIO

// UNFINISHED: implement every operation below for PostgreSQL (see SQLiteStore+ModelUsage.swift).
extension PostgresStore {
    func addModelUsage(runID: Int64, _ call: ModelCallUsage, at date: Date) async throws {
        // SCRATCH (pg-queue, reverted)
        try await write { connection in
            try await connection.run("""
                INSERT INTO run_model_usage (runId, requests, inputTokens, outputTokens, costUSD, bytes, unpricedModels, updatedAt)
                VALUES (\(runID), 1, \(Int64(call.inputTokens)), \(Int64(call.outputTokens)), \(call.costUSD), \(Int64(call.bytes)), '', \(date))
                ON CONFLICT (runId) DO UPDATE SET costUSD = run_model_usage.costUSD + excluded.costUSD, inputTokens = run_model_usage.inputTokens + excluded.inputTokens
                """, logger: self.logger)
        }
    }

    func usage(runID: Int64) async throws -> RunModelUsage? {
        throw PostgresStoreUnfinished(operation: "usage")
    }

}
