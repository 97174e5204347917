/// What the agent says it did, read from its own transcript (Claude Code's final `result` event,
/// Codex's `turn.completed` usage): untrusted figures and words, shown fenced, never a verdict.
public struct AgentAccount: Codable, Sendable, Equatable {
    /// The agent's session id (Claude Code's `session_id`, Codex's `thread_id`), when it gave one.
    public var sessionID: String?
    /// Turns the agent took (`num_turns`), when known.
    public var turns: Int?
    /// Input tokens (cache reads and writes included) and output tokens, when known.
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// US dollars the agent reported (`total_cost_usd`), when known.
    public var costUSD: Double?
    /// The agent's own final words (`result`), capped; untrusted.
    public var summary: String?

    public init(sessionID: String? = nil, turns: Int? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil, costUSD: Double? = nil,
                summary: String? = nil) {
        self.sessionID = sessionID
        self.turns = turns
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.summary = summary
    }
}
