import DayshiftConfig
import DayshiftCore
import Foundation
import Logging
import Store

/// Drives one run through its journal: for each step not yet done, commit `running`, do the work,
/// commit the end, and only then go on. Started again on the same run (after a crash, a restart,
/// a retry alarm or a cancel), it picks up at the first step not done.
struct RunExecutor: Sendable {
    let dependencies: RunDependencies
    let runID: Int64
    let lease: IssueLease

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
        /// A step waits for its retry alarm.
        case waiting
        /// A newer activation of this issue object owns the run now.
        case superseded
    }

    /// Thrown by a step attempt that will be retried when its alarm fires.
    private struct RetryScheduled: Error {}

    func execute() async -> Ending {
        var logger = dependencies.logger
        logger[metadataKey: "run"] = "\(runID)"
        logger[metadataKey: "issue"] = "\(lease.issueKey)"
        do {
            if try dependencies.store.pendingAlarm(runID: runID) != nil { return .waiting }
            // The journal is read once, then again only after this executor wrote to it, so a
            // resumed run does not reload it for every step already done.
            var journal = try loadJournal()
            for step in Self.steps {
                guard let record = journal.steps[step.name], !record.status.isDone else { continue }
                if journal.shouldSkip(step.name) {
                    try dependencies.store.endStep(runID: runID, step: step.name, status: .skipped, result: nil, error: nil, lease: lease)
                    journal = try loadJournal()
                    continue
                }
                // A cancel requested mid-run still lets report and cleanup run; any other
                // cancellation (shutdown) leaves the journal where it is, to resume later.
                try Task.checkCancellation()
                if dependencies.stopping.isRaised { throw CancellationError() }
                try await runStep(step, journal: journal, logger: logger)
                journal = try loadJournal()
            }
            let status = journal.finalStatus
            try dependencies.store.finishRun(runID: runID, status: status, summary: ReportText.issueComment(journal), lease: lease)
            logger.info("run finished", metadata: ["status": "\(status.rawValue)"])
            return .finished(status)
        } catch is RetryScheduled {
            return .waiting
        } catch is CancellationError {
            logger.info("run interrupted; it resumes from its journal")
            return .interrupted
        } catch let crash as SimulatedCrash {
            logger.warning("simulated crash at \(crash.point)")
            return .interrupted
        } catch let error as StoreError {
            logger.warning("run handed over", metadata: ["reason": "\(error)"])
            return .superseded
        } catch {
            logger.error("run stopped on a journal error; it resumes from its journal", metadata: ["error": "\(error)"])
            return .interrupted
        }
    }

    private func runStep(_ step: any RunStep, journal: RunJournal, logger: Logger) async throws {
        var logger = logger
        logger[metadataKey: "step"] = "\(step.name.rawValue)"
        let store = dependencies.store
        try dependencies.failPoints.check(step.name, .before)
        let attempt = try store.beginStep(runID: runID, step: step.name, lease: lease)
        logger.debug("step started", metadata: ["attempt": "\(attempt)"])
        do {
            let output = try await step.perform(StepContext(dependencies: dependencies, journal: journal, attempt: attempt))
            dependencies.redactor.add(await dependencies.github.knownSecrets())
            // Command output was redacted before it was encoded; this pass catches what a step put elsewhere.
            let result = Data(dependencies.redactor.redact(String(decoding: try JSONEncoder().encode(output), as: UTF8.self)).utf8)
            try store.endStep(runID: runID, step: step.name, status: .succeeded, result: result, error: nil, lease: lease)
            logger.info("step succeeded", metadata: ["attempt": "\(attempt)"])
        } catch {
            if error is StoreError { throw error }
            dependencies.redactor.add(await dependencies.github.knownSecrets())
            if isInterruption(error), try !loadJournal().cancelRequested { throw error }
            let message = isInterruption(error) ? "cancelled" : dependencies.redactor.redact(String(describing: error))
            let policy = dependencies.configuration.steps.retryPolicy(for: step.name)
            if !isInterruption(error), StepErrorClassifier.isTransient(error), attempt < policy.attempts {
                let delay = policy.delay(afterAttempt: attempt)
                try store.scheduleRetry(runID: runID, step: step.name, error: message, dueAt: Date().addingTimeInterval(delay), lease: lease)
                logger.warning("step failed; retrying", metadata: ["error": "\(message)", "attempt": "\(attempt)", "retry_in_seconds": "\(String(format: "%.1f", delay))"])
                throw RetryScheduled()
            }
            try store.endStep(runID: runID, step: step.name, status: .failed, result: nil, error: message, lease: lease)
            logger.warning("step failed", metadata: ["error": "\(message)", "attempt": "\(attempt)"])
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
