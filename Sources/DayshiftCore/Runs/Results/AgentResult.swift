/// The agent step's output.
public struct AgentResult: Sendable, Equatable {
    /// How the agent's command ended.
    public var command: CommandOutcome
    /// Files the agent changed (`git status --porcelain` paths), sorted. Empty means no change.
    public var changedFiles: [String]
    /// What the agent's model calls through the LLM proxy cost, when it made any.
    public var modelUsage: ModelUsageSummary?

    public init(command: CommandOutcome, changedFiles: [String], modelUsage: ModelUsageSummary? = nil) {
        self.command = command
        self.changedFiles = changedFiles
        self.modelUsage = modelUsage
    }
}
