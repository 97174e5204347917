import DayshiftCore
import Foundation

/// The JSON shape of `run_steps.result`: one flat object whose fields each step fills as it
/// needs (the shape every earlier version wrote), so stored journals read back unchanged. Which
/// ``StepResult`` case it holds follows from the step's name.
struct StoredStepResult: Codable {
    var sandboxID: String?
    var sandboxHome: String?
    var commit: String?
    var branch: String?
    var command: CommandOutcome?
    var changedFiles: [String]?
    var modelUsage: ModelUsageSummary?
    var change: ChangeSummary?
    var pullRequest: PullRequestResult?
    var commentID: Int64?
    var note: String?
    var agentProfile: AgentProfileName?
    var agentAccount: AgentAccount?
    var budget: BudgetOverrun?
    var stripped: [String]?
    var adoptedUnchanged: Bool?

    init(_ result: StepResult) {
        switch result {
        case .provision(let provision):
            (sandboxID, sandboxHome, note) = (provision.sandboxID, provision.sandboxHome, provision.note)
        case .clone(let clone):
            (commit, branch) = (clone.commit, clone.branch)
        case .command(let command):
            (self.command, note) = (command.outcome, command.note)
        case .agent(let agent):
            (command, changedFiles, modelUsage) = (agent.command, agent.changedFiles, agent.modelUsage)
            (agentProfile, agentAccount, budget) = (agent.profile, agent.account, agent.budget)
            stripped = agent.stripped.isEmpty ? nil : agent.stripped
        case .publish(let publish):
            (commit, branch, change, note) = (publish.commit, publish.branch, publish.change, publish.note)
        case .pullRequest(let pullRequest):
            self.pullRequest = pullRequest
        case .report(let report):
            (commentID, note) = (report.commentID, report.note)
            adoptedUnchanged = report.adoptedUnchanged ? true : nil
        case .cleanup(let cleanup):
            note = cleanup.note
        }
    }

    /// The typed result of `step`; `nil` when a field that step always writes is missing.
    func result(for step: StepName) -> StepResult? {
        switch step {
        case .provision:
            sandboxID.map { StepResult.provision(ProvisionResult(sandboxID: $0, sandboxHome: sandboxHome, note: note)) }
        case .clone:
            commit.map { StepResult.clone(CloneResult(commit: $0, branch: branch ?? "")) }
        case .setup, .baseline, .verify:
            StepResult.command(CommandStepResult(outcome: command, note: note))
        case .agent:
            command.map {
                StepResult.agent(AgentResult(command: $0, changedFiles: changedFiles ?? [], modelUsage: modelUsage, profile: agentProfile,
                                             account: agentAccount, budget: budget, stripped: stripped ?? []))
            }
        case .publish:
            commit.map { StepResult.publish(PublishResult(commit: $0, branch: branch ?? "", change: change ?? ChangeSummary(written: [], deleted: [], bytes: 0), note: note)) }
        case .pull_request:
            pullRequest.map { StepResult.pullRequest($0) }
        case .report:
            commentID.map { StepResult.report(ReportResult(commentID: $0, note: note, adoptedUnchanged: adoptedUnchanged ?? false)) }
        case .cleanup:
            StepResult.cleanup(CleanupResult(note: note))
        }
    }

    static func encode(_ result: StepResult) throws -> Data {
        try JSONEncoder().encode(StoredStepResult(result))
    }

    static func decode(_ data: Data, step: StepName) -> StepResult? {
        (try? JSONDecoder().decode(StoredStepResult.self, from: data))?.result(for: step)
    }
}
