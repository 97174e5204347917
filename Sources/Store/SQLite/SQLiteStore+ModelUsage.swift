import Foundation
import GRDB

// What runs spent on models (the LLM proxy's meter).
extension SQLiteStore {
    func addModelUsage(runID: Int64, _ call: ModelCallUsage, at date: Date = Date()) async throws {
        try await write { db in
            var usage = try ModelUsageRecord.fetchOne(db, key: runID)?.usage ?? RunModelUsage(runId: runID)
            usage.requests += call.countsAsRequest ? 1 : 0
            usage.inputTokens += call.inputTokens
            usage.outputTokens += call.outputTokens
            usage.costUSD += call.costUSD
            usage.bytes += call.bytes
            if let model = call.unpricedModel {
                var models = Set(usage.unpricedModels.split(separator: ",").map(String.init))
                models.insert(model.replacingOccurrences(of: ",", with: " "))
                usage.unpricedModels = models.sorted().joined(separator: ",")
            }
            usage.updatedAt = date
            try ModelUsageRecord(usage).save(db)
        }
    }

    func usage(runID: Int64) async throws -> RunModelUsage? {
        try await database.read { db in try ModelUsageRecord.fetchOne(db, key: runID)?.usage }
    }
}
