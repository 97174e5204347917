import Foundation

/// The LLM proxy's metering of one run, as the journal keeps it.
public struct ModelUsageSummary: Codable, Sendable, Equatable {
    public var requests: Int
    public var inputTokens: Int
    public var outputTokens: Int
    /// US dollars, from `llm.prices`; models without a price count 0.
    public var costUSD: Double

    public init(requests: Int, inputTokens: Int, outputTokens: Int, costUSD: Double) {
        self.requests = requests
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
    }

    /// e.g. `3 model requests, 1200 input and 340 output tokens, $0.0087`.
    public var sentence: String {
        "\(requests) model \(requests == 1 ? "request" : "requests"), \(inputTokens) input and \(outputTokens) output tokens, $\(String(format: "%.4f", costUSD))"
    }
}
