/// The agent step's output.
public struct AgentResult: Sendable, Equatable {
    /// How the agent's command ended.
    public var command: CommandOutcome
    /// Files the agent changed (`git status --porcelain` paths), sorted. Empty means no change.
    public var changedFiles: [String]
    /// What the agent's model calls through the LLM proxy cost, when it made any.
    public var modelUsage: ModelUsageSummary?
    /// The profile that ran; `nil` in journals written before profiles (the `command` profile).
    public var profile: AgentProfileName?
    /// Turns, tokens, cost, session and summary from the agent's own transcript, when it has one.
    public var account: AgentAccount?
    /// The per-run limit the agent reached, if any: the run then ends `budget_exceeded`.
    public var budget: BudgetOverrun?
    /// What was removed from the text before the agent saw it (e.g. `2 HTML comments`).
    public var stripped: [String]

    public init(command: CommandOutcome, changedFiles: [String], modelUsage: ModelUsageSummary? = nil, profile: AgentProfileName? = nil,
                account: AgentAccount? = nil, budget: BudgetOverrun? = nil, stripped: [String] = []) {
        self.command = command
        self.changedFiles = changedFiles
        self.modelUsage = modelUsage
        self.profile = profile
        self.account = account
        self.budget = budget
        self.stripped = stripped
    }
}
