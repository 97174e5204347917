import Foundation
import GRDB

// What runs spent on models (the LLM proxy's meter).
extension Store {
    /// Adds one call's tokens, cost and bytes to the run's usage, in one transaction. Needs no
    /// lease: the proxy is not the issue object, and this row is written by nothing else.
    /// - Throws: GRDB's `DatabaseError` (e.g. when the run does not exist).
    public func addModelUsage(runID: Int64, _ call: ModelCallUsage, at date: Date = Date()) async throws {
        try await database.write { db in
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

    /// The run's model usage, or `nil` when it made no call through the proxy.
    /// - Throws: GRDB's `DatabaseError`.
    public func usage(runID: Int64) async throws -> RunModelUsage? {
        try await database.read { db in try ModelUsageRecord.fetchOne(db, key: runID)?.usage }
    }
}
