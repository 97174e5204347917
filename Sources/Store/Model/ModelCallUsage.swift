/// One metered model call, added to its run's ``RunModelUsage``.
public struct ModelCallUsage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// USD.
    public var costUSD: Double
    /// Request and response body bytes.
    public var bytes: Int
    /// Set when the model had no price (its cost then counts 0).
    public var unpricedModel: String?
    /// Whether this call is a new request (false when only bytes are added to one already counted).
    public var countsAsRequest: Bool

    public init(inputTokens: Int = 0, outputTokens: Int = 0, costUSD: Double = 0, bytes: Int = 0, unpricedModel: String? = nil,
                countsAsRequest: Bool = true) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.bytes = bytes
        self.unpricedModel = unpricedModel
        self.countsAsRequest = countsAsRequest
    }
}
