import Foundation
import PostgresNIO

// What runs spent on models (the LLM proxy's meter). Several calls of one run may be metered at
// once (and, with several replicas, by different processes): each call is one
// `INSERT … ON CONFLICT (runId) DO UPDATE` whose SET adds to the stored row, so PostgreSQL
// serialises the additions on the row lock and none is lost (no read-then-write).
extension PostgresStore {
    func addModelUsage(runID: Int64, _ call: ModelCallUsage, at date: Date) async throws {
        // A model name is kept in a comma-separated list: its own commas become spaces.
        let unpriced = call.unpricedModel.map { $0.replacingOccurrences(of: ",", with: " ") } ?? ""
        try await write { connection in
            try await connection.run("""
                INSERT INTO run_model_usage AS u (runId, requests, inputTokens, outputTokens, costUSD, bytes, unpricedModels, updatedAt)
                VALUES (\(runID), \(Int64(call.countsAsRequest ? 1 : 0)), \(Int64(call.inputTokens)), \(Int64(call.outputTokens)),
                        \(call.costUSD), \(Int64(call.bytes)), \(unpriced), \(date))
                ON CONFLICT (runId) DO UPDATE SET
                    requests = u.requests + excluded.requests, inputTokens = u.inputTokens + excluded.inputTokens,
                    outputTokens = u.outputTokens + excluded.outputTokens, costUSD = u.costUSD + excluded.costUSD,
                    bytes = u.bytes + excluded.bytes, updatedAt = excluded.updatedAt,
                    unpricedModels = COALESCE((
                        SELECT string_agg(model, ',' ORDER BY model COLLATE "C")
                        FROM (SELECT DISTINCT model COLLATE "C" AS model
                              FROM unnest(string_to_array(u.unpricedModels || ',' || excluded.unpricedModels, ',')) AS model
                              WHERE model <> '') AS models), '')
                """, logger: self.logger)
        }
    }

    func usage(runID: Int64) async throws -> RunModelUsage? {
        try await read { connection in
            try await connection.records(ModelUsageRecord.self, "WHERE runId = \(runID)", logger: self.logger).first?.usage
        }
    }
}
