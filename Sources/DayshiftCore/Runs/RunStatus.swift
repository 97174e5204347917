/// Where a run stands. `running` is the only non-final status.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// `tests_failed`: a draft pull request was opened, but the tests fail after the change.
    case running, succeeded, failed, no_changes, tests_failed, cancelled
    /// `budget_exceeded`: the agent hit one of its per-run limits (`agent.max_turns`,
    /// `agent.timeout_seconds`, `agent.max_cost_usd`); its change was published only if the tests pass.
    case budgetExceeded = "budget_exceeded"

    /// True for every status but `running`.
    public var isFinal: Bool { self != .running }
}
