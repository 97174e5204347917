import DayshiftConfig
import DayshiftCore
import GitHub
import Sandboxes

/// provision: acknowledges what asked for the run (the comment, else the issue) with an 👀
/// reaction (``TriggerReaction``), then creates the run's sandbox, or adopts the one an earlier attempt
/// created (found by its `dayshift.run` label), so a crash never leaves two.
struct ProvisionStep: RunStep {
    let name = StepName.provision

    func perform(_ context: StepContext) async throws -> StepResult {
        await TriggerReaction.add("eyes", context: context)
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
}
