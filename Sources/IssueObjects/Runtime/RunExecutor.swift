import DayshiftConfig
import Foundation
import Logging
import Store

/// Drives one run through its journal: for each step not yet done, commit `running`, do the work,
/// commit the end, and only then go on. Started again on the same run (after a crash, a restart
/// or a cancel), it picks up at the first step not done.
struct RunExecutor: Sendable {
    let dependencies: RunDependencies
    let runID: Int64

    static let steps: [any RunStep] = [
        ProvisionStep(), CloneStep(), SetupStep(), TestStep(name: .baseline), AgentStep(), TestStep(name: .verify),
        PublishStep(), PullRequestStep(), ReportStep(), CleanupStep(),
    ]
    static var stepNames: [StepName] { steps.map(\.name) }

    /// How ``execute()`` ended.
    enum Ending: Equatable {
        /// The run reached a final status.
        case finished(RunRecord.Status)
        /// Stopped part-way (shutdown, task cancelled, simulated crash): resume later.
        case interrupted
    }

    func execute() async -> Ending {
        var logger = dependencies.logger
        logger[metadataKey: "run"] = "\(runID)"
        do {
            for step in Self.steps {
                let journal = try loadJournal()
                logger[metadataKey: "issue"] = "\(journal.run.issueKey)"
                guard let record = journal.steps[step.name], !record.status.isDone else { continue }
                if journal.shouldSkip(step.name) {
                    try dependencies.store.endStep(runID: runID, step: step.name, status: .skipped, result: nil, error: nil)
                    continue
                }
                // A cancel requested mid-run still lets report and cleanup run; any other
                // cancellation (shutdown) leaves the journal where it is, to resume later.
                try Task.checkCancellation()
                try await runStep(step, journal: journal, logger: logger)
            }
            let journal = try loadJournal()
            let status = journal.finalStatus
            try dependencies.store.finishRun(runID: runID, status: status, summary: ReportText.issueComment(journal))
            logger.info("run finished", metadata: ["status": "\(status.rawValue)"])
            return .finished(status)
        } catch is CancellationError {
            logger.info("run interrupted; it resumes from its journal")
            return .interrupted
        } catch let crash as SimulatedCrash {
            logger.warning("simulated crash at \(crash.point)")
            return .interrupted
        } catch {
            logger.error("run stopped on a journal error; it resumes from its journal", metadata: ["error": "\(error)"])
            return .interrupted
        }
    }

    private func runStep(_ step: any RunStep, journal: RunJournal, logger: Logger) async throws {
        var logger = logger
        logger[metadataKey: "step"] = "\(step.name.rawValue)"
        try dependencies.failPoints.check(step.name, .before)
        let attempt = try dependencies.store.beginStep(runID: runID, step: step.name)
        logger.debug("step started", metadata: ["attempt": "\(attempt)"])
        do {
            let output = try await step.perform(StepContext(dependencies: dependencies, journal: journal, attempt: attempt))
            try dependencies.store.endStep(runID: runID, step: step.name, status: .succeeded, result: try JSONEncoder().encode(output), error: nil)
            logger.info("step succeeded", metadata: ["attempt": "\(attempt)"])
        } catch {
            if isInterruption(error), try !loadJournal().cancelRequested { throw error }
            let message = isInterruption(error) ? "cancelled" : String(describing: error)
            try dependencies.store.endStep(runID: runID, step: step.name, status: .failed, result: nil, error: message)
            logger.warning("step failed", metadata: ["error": "\(message)"])
        }
        try dependencies.failPoints.check(step.name, .after)
    }

    private func isInterruption(_ error: any Error) -> Bool {
        error is CancellationError || error is SimulatedCrash || Task.isCancelled
    }

    private func loadJournal() throws -> RunJournal {
        guard let run = try dependencies.store.run(id: runID) else { throw StepFailure("run \(runID) is not in the database") }
        return try RunJournal(run: run, steps: dependencies.store.steps(runID: runID))
    }
}
