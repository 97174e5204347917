import Foundation
import GRDB

/// A row of `run_model_usage`: one per run that called a model through the LLM proxy. Its
/// columns are ``RunModelUsage``'s fields.
struct ModelUsageRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run_model_usage"

    enum Columns {
        static let runId = Column("runId")
    }

    var usage: RunModelUsage

    init(_ usage: RunModelUsage) {
        self.usage = usage
    }

    init(from decoder: any Decoder) throws {
        usage = try RunModelUsage(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try usage.encode(to: encoder)
    }
}
