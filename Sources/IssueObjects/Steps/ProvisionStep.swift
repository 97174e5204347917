import DayshiftConfig
import DayshiftCore
import GitHub
import Sandboxes

/// provision: acknowledges the issue with an 👀 reaction (idempotent: GitHub keeps one reaction
/// per content and user), then creates the run's sandbox, or adopts the one an earlier attempt
/// created (found by its `dayshift.run` label), so a crash never leaves two.
struct ProvisionStep: RunStep {
    let name = StepName.provision

    func perform(_ context: StepContext) async throws -> StepResult {
        await acknowledge(context)
        let run = context.journal.run
        let labels = SandboxLabels.forRun(run)
        let provider = context.dependencies.sandboxes
        if let existing = try await provider.find(labels: [SandboxLabels.run: labels[SandboxLabels.run]!]).first {
            return .provision(ProvisionResult(sandboxID: existing.id, sandboxHome: existing.homeDirectory, note: "adopted sandbox \(existing.name)"))
        }
        let request = SandboxCreateRequest(name: SandboxLabels.name(for: run), labels: labels)
        let sandbox = try await context.call("provision.create") { try await provider.create(request) }
        return .provision(ProvisionResult(sandboxID: sandbox.id, sandboxHome: sandbox.homeDirectory, note: "created sandbox \(sandbox.name) (\(provider.kind))"))
    }

    /// Best effort: a missing `issues: write` permission must not stop the run.
    private func acknowledge(_ context: StepContext) async {
        let issue = context.journal.context.issue
        guard let repo = RepositoryName(fullName: issue.repository) else { return }
        do {
            try await context.github(for: repo).addIssueReaction(repo, issue: issue.number, content: "eyes")
        } catch {
            context.dependencies.logger.warning("could not add the eyes reaction", metadata: ["issue": "\(issue.issueKey?.description ?? issue.repository)", "error": "\(error)"])
        }
    }
}
