import DayshiftConfig
import DayshiftCore

/// setup: runs the repository's `setup_command`, if any; a non-zero exit fails the run.
struct SetupStep: RunStep {
    let name = StepName.setup

    func perform(_ context: StepContext) async throws -> StepResult {
        guard let command = context.journal.context.setupCommand else { return .command(CommandStepResult(outcome: nil, note: "no setup_command")) }
        let result = try await context.run(command, timeoutSeconds: context.settings.steps.setupTimeoutSeconds)
        let outcome = context.outcome(command, result)
        guard result.exitCode == 0 else {
            throw StepFailure("setup command exited \(result.exitCode)\(result.timedOut ? " (timed out)" : ""): \(context.publicOutput(result.lastLines(5)))")
        }
        return .command(CommandStepResult(outcome: outcome))
    }
}
