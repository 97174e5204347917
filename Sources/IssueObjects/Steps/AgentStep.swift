import Agents
import DayshiftConfig
import DayshiftCore
import Foundation

/// agent: hands the issue to the coding agent through a prompt file, then records which files it
/// changed (compared with the work tree just before it ran, so files the baseline tests left
/// behind are not counted or committed). An agent that exits non-zero fails the run; one that changes nothing ends it as
/// `no_changes`. A second attempt (after a crash) starts from a clean work tree.
struct AgentStep: RunStep {
    let name = StepName.agent

    func perform(_ context: StepContext) async throws -> StepResult {
        if context.attempt > 1, let base = context.journal.clone?.commit {
            // An agent started by a server that crashed may still be running: stop it first.
            try await context.runChecked(CommandAgent.killEarlierAttempt, what: "stopping an earlier agent")
            try await context.runChecked("git reset -q --hard \(base) && git clean -q -fd", what: "resetting the work tree")
        }
        let before = try await WorkTreeStatus.read(context, what: "listing files before the agent")
        let sandbox = try await context.sandbox()
        let issue = context.journal.context.issue
        let prompt = AgentPrompt(repository: issue.repository, issueNumber: issue.number, title: issue.title, body: issue.body,
                                 testCommand: context.journal.testCommand, followUp: issue.followUp)
        // The agent reaches its model through the LLM proxy with a token valid while this run runs.
        let modelEnvironment = context.dependencies.modelEnvironment(context.journal.run.id)
        // The run's proxy token is a credential too (it spends the model key while the run lives).
        context.dependencies.redactor.add(modelEnvironment.filter { $0.key.hasSuffix("_API_KEY") }.map(\.value))
        let result = try await context.call("agent.run") {
            try await context.dependencies.agent.run(prompt, provider: context.dependencies.sandboxes, sandbox: sandbox,
                                                     workingDirectory: StepContext.repositoryPath, promptPath: StepContext.promptPath,
                                                     runEnvironment: modelEnvironment)
        }
        let outcome = context.outcome(context.dependencies.agent.command, result)
        guard result.exitCode == 0 else {
            throw StepFailure("the agent exited \(result.exitCode)\(result.timedOut ? " (timed out)" : ""): \(context.publicOutput(result.lastLines(5)))")
        }
        let after = try await WorkTreeStatus.read(context, what: "listing changed files")
        let usage = try await context.dependencies.store.usage(runID: context.journal.run.id).map(ModelUsageSummary.init)
        return .agent(AgentResult(command: outcome, changedFiles: after.changed(since: before), modelUsage: usage))
    }
}
