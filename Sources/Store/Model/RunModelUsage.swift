import Foundation

/// What one run spent on models through the LLM proxy (one per run that called a model).
public struct RunModelUsage: Codable, Sendable, Equatable {
    public var runId: Int64
    /// Calls forwarded upstream (answered or not).
    public var requests: Int
    /// Input (prompt) tokens the upstream reported, cache writes and reads included.
    public var inputTokens: Int
    /// Output (completion) tokens the upstream reported.
    public var outputTokens: Int
    /// USD, from `llm.prices`; calls to a model without a price count 0.
    public var costUSD: Double
    /// Request and response body bytes through the proxy.
    public var bytes: Int
    /// Models called that have no price in `llm.prices`, comma-separated, sorted; empty when all were priced.
    public var unpricedModels: String
    public var updatedAt: Date

    public init(runId: Int64, requests: Int = 0, inputTokens: Int = 0, outputTokens: Int = 0, costUSD: Double = 0, bytes: Int = 0,
                unpricedModels: String = "", updatedAt: Date = Date()) {
        self.runId = runId
        self.requests = requests
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.bytes = bytes
        self.unpricedModels = unpricedModels
        self.updatedAt = updatedAt
    }
}
