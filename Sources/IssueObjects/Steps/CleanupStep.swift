import DayshiftConfig
import DayshiftCore

/// cleanup: deletes every sandbox labelled with this run (normally one). Deleting one that is
/// already gone succeeds, so the step can repeat.
struct CleanupStep: RunStep {
    let name = StepName.cleanup

    func perform(_ context: StepContext) async throws -> StepResult {
        let provider = context.dependencies.sandboxes
        let runLabel = String(context.journal.run.id)
        var deleted: [String] = []
        for sandbox in try await provider.find(labels: [SandboxLabels.run: runLabel]) {
            try await context.call("cleanup.delete") { try await provider.delete(id: sandbox.id) }
            deleted.append(sandbox.name)
        }
        if let id = context.journal.sandboxID {
            try await context.call("cleanup.delete") { try await provider.delete(id: id) }  // gone already → success
        }
        return .cleanup(CleanupResult(note: deleted.isEmpty ? "no sandbox left to delete" : "deleted \(deleted.joined(separator: ", "))"))
    }
}
