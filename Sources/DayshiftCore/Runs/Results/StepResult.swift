/// What one step produced, one case per kind of step (the Store keeps it with the step and
/// gives it back to later steps, also after a restart).
public enum StepResult: Sendable, Equatable {
    case provision(ProvisionResult)
    case clone(CloneResult)
    /// setup, baseline and verify.
    case command(CommandStepResult)
    case agent(AgentResult)
    case publish(PublishResult)
    case pullRequest(PullRequestResult)
    case report(ReportResult)
    case cleanup(CleanupResult)

    /// Anything worth a line in the journal (e.g. `adopted sandbox …`).
    public var note: String? {
        switch self {
        case .provision(let result): result.note
        case .clone: nil
        case .command(let result): result.note
        case .agent: nil
        case .publish(let result): result.note
        case .pullRequest: nil
        case .report(let result): result.note
        case .cleanup(let result): result.note
        }
    }
}
