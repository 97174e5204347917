import DayshiftCore
import Store

extension ModelUsageSummary {
    /// The journal's copy of the LLM proxy's meter.
    init(_ usage: RunModelUsage) {
        self.init(requests: usage.requests, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUSD: usage.costUSD)
    }
}
