/// A per-run limit the agent reached: which key, the limit, and how much was used.
public struct BudgetOverrun: Codable, Sendable, Equatable {
    /// The configuration key, e.g. `agent.max_cost_usd`.
    public var limit: String
    /// The limit as configured, e.g. `$0.50`, `10 turns`, `1800 s`.
    public var allowed: String
    /// What the run used, in the same unit, e.g. `$0.73`.
    public var used: String

    public init(limit: String, allowed: String, used: String) {
        self.limit = limit
        self.allowed = allowed
        self.used = used
    }

    /// e.g. `agent.max_cost_usd: used $0.7300 of $0.5000`.
    public var sentence: String { "\(limit): used \(used) of \(allowed)" }
}
