import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import Logging
import Store

/// Drives one run through its journal: for each step not yet done, commit `running`, do the work,
/// record the end, and only then go on. Started again on the same run (after a crash, a restart,
/// a retry alarm or a cancel), it picks up at the first step not done.
///
/// The journal is read once (or handed over already read) and then kept in memory: under its
/// lease the executor is the only writer of the run, so its copy stays exact. A step's end is
/// committed in the same transaction as the next step's start (or the run's finish), which is
/// still before the next step's effect begins; an armed fail point at that boundary, a retry or
/// an interruption commits it on its own first, so a crash lands exactly where it is named.
struct RunExecutor: Sendable {
    let dependencies: RunDependencies
    let runID: Int64
    let lease: IssueLease
    /// The run's journal when the caller has just read or written it (a new run, a restart's
    /// batched load); `nil` makes the executor load it.
    var preloaded: RunJournal?

    static let steps: [any RunStep] = [
        ProvisionStep(), CloneStep(), SetupStep(), TestStep(name: .baseline), AgentStep(), TestStep(name: .verify),
        PublishStep(), PullRequestStep(), ReportStep(), CleanupStep(),
    ]
    static var stepNames: [StepName] { steps.map(\.name) }

    /// How ``execute()`` ended.
    enum Ending: Equatable {
        /// The run reached a final status.
        case finished(RunStatus)
        /// Stopped part-way (shutdown, task cancelled, simulated crash): resume later.
        case interrupted
        /// A step waits for its retry alarm.
        case waiting
        /// A newer activation of this issue object owns the run now.
        case superseded
        /// The run waits for a sandbox slot; the runtime wakes its issue object once it has one.
        case queued
    }

    /// Thrown by a step attempt that will be retried when its alarm fires.
    private struct RetryScheduled: Error {}

    private var store: Store { dependencies.store }

    func execute() async -> Ending {
        var logger = dependencies.logger
        logger[metadataKey: "run"] = "\(runID)"
        logger[metadataKey: "issue"] = "\(lease.issueKey)"
        // The run's tracking comment, made when the first step before the report begins.
        var tracking: TrackingComment?
        let ending = await execute(logger: logger, tracking: &tracking)
        await tracking?.close()
        return ending
    }

    private func execute(logger: Logger, tracking: inout TrackingComment?) async -> Ending {
        // Step ends recorded in `journal` but not yet committed: they go with the next write.
        var held: [StepCompletion] = []
        do {
            if try await store.pendingAlarm(runID: runID) != nil { return .waiting }
            var journal = try await loadJournal()
            // The tracking comment's hidden marker: the same for the whole run (an HMAC, made once).
            let marker = ReportText.reportMarker(journal, settings: dependencies.configuration)
            // A run takes a sandbox slot before its first step; a cancelled one needs none.
            if !journal.cancelRequested, try await waitsForSlot(journal, marker: marker, logger: logger) { return .queued }
            for step in Self.steps {
                guard let entry = journal.steps[step.name], !entry.status.isDone else { continue }
                if journal.shouldSkip(step.name) {
                    let skipped = StepCompletion(step: step.name, end: .skipped)
                    journal.ended(step.name, .skipped, at: skipped.at)
                    held.append(skipped)
                    continue
                }
                // A cancel requested mid-run still lets report and cleanup run; any other
                // cancellation (shutdown) leaves the journal where it is, to resume later.
                if Task.isCancelled || dependencies.stopping.isRaised {
                    try await commit(&held)
                    throw CancellationError()
                }
                try await checkpoint(step.name.rawValue, .before, &held)
                let startedAt = Date()
                let completing = held
                let attempt = try await journaled { try await store.beginStep(step.name, runID: runID, completing: completing, lease: lease, at: startedAt) }
                held = []
                journal.began(step.name, attempt: attempt, at: startedAt)
                if step.name.alwaysRuns {
                    // The report's edit is the final one: no progress edit may land after it.
                    await tracking?.close()
                    tracking = nil
                } else {
                    await track(journal, in: &tracking, marker: marker, logger: logger)
                }
                var stepLogger = logger
                stepLogger[metadataKey: "step"] = "\(step.name.rawValue)"
                stepLogger.debug("step started", metadata: ["attempt": "\(attempt)"])
                let completion = try await runStep(step, journal: journal, attempt: attempt, startedAt: startedAt, logger: stepLogger)
                journal.ended(step.name, completion.end, at: completion.at)
                held.append(completion)
                // The step's end is shown with the next step's start (one edit per boundary; the
                // report step's own edit is the final one).
                try await checkpoint(step.name.rawValue, .after, &held)
            }
            let status = journal.finalStatus
            // The same sentence as the report's comment.
            let summary = ReportText.issueComment(journal, adoptedUnchanged: journal.report?.adoptedUnchanged ?? false)
            let completing = held
            try await journaled { try await store.finishRun(runID: runID, status: status, summary: summary, completing: completing, lease: lease) }
            dependencies.wakeRuntime()  // its slot is free: the next waiting run may start
            dependencies.recorder.runFinished(status)
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
            switch error {
            case .leaseLost, .leaseHeld:
                logger.warning("run handed over", metadata: ["reason": "\(error)"])
                return .superseded
            }
        } catch {
            logger.error("run stopped on a journal error; it resumes from its journal", metadata: ["error": "\(error)"])
            return .interrupted
        }
    }

    /// Claims a sandbox slot (`runtime.max_concurrent_runs`). When none is free, shows the run's
    /// place in the queue in its tracking comment, once (recorded before it is posted; the comment
    /// is found again by its marker, so it is never doubled), and says the run must wait.
    private func waitsForSlot(_ journal: RunJournal, marker: String, logger: Logger) async throws -> Bool {
        let slots = dependencies.configuration.runtime.maxConcurrentRuns
        let claim = try await dependencies.failPoints.around("queue.claim") {
            try await journaled { try await store.claimSlot(runID: runID, limit: slots) }
        }
        guard case .waiting(let position, let notified) = claim else { return false }
        dependencies.wakeRuntime()  // the claim may have admitted other runs
        logger.info("run queued for a sandbox slot", metadata: ["position": "\(position)", "slots": "\(slots)"])
        guard !notified else { return true }
        try await journaled { try await store.markQueueNotified(runID: runID) }
        var tracking: TrackingComment?
        await track(journal, in: &tracking, marker: marker, logger: logger, body: TrackingCommentText.queued(journal, position: position, slots: slots, marker: marker))
        await tracking?.flush()
        await tracking?.close()
        return true
    }

    /// Runs one attempt of `step` (already journaled `running`) and says how it ended.
    /// - Throws: ``RetryScheduled`` after committing a retry; an interruption; a journal error.
    private func runStep(_ step: any RunStep, journal: RunJournal, attempt: Int, startedAt: Date, logger: Logger) async throws -> StepCompletion {
        do {
            let result = try await step.perform(StepContext(dependencies: dependencies, journal: journal, attempt: attempt))
            let endedAt = Date()
            dependencies.recorder.stepEnded(step.name, outcome: .succeeded, seconds: endedAt.timeIntervalSince(startedAt))
            dependencies.redactor.add(await dependencies.github.knownSecrets())
            // Command output was redacted when it was read; this pass catches what a step put elsewhere.
            let redactor = dependencies.redactor
            let completion = StepCompletion(step: step.name, end: .succeeded(result.redacted { redactor.redact($0) }), at: endedAt)
            logger.info("step succeeded", metadata: ["attempt": "\(attempt)"])
            return completion
        } catch {
            if error is StoreError { throw error }
            dependencies.redactor.add(await dependencies.github.knownSecrets())
            if isInterruption(error), try await journaled({ try await store.run(id: runID)?.cancelRequestedAt }) == nil { throw error }
            let message = isInterruption(error) ? "cancelled" : dependencies.redactor.redact(String(describing: error))
            let policy = dependencies.configuration.steps.retryPolicy(for: step.name)
            if !isInterruption(error), StepErrorClassifier.isTransient(error), attempt < policy.attempts {
                let delay = policy.delay(afterAttempt: attempt)
                let (name, dueAt) = (step.name, Date().addingTimeInterval(delay))
                try await journaled { try await store.scheduleRetry(runID: runID, step: name, error: message, dueAt: dueAt, lease: lease) }
                dependencies.recorder.stepEnded(step.name, outcome: .retrying, seconds: Date().timeIntervalSince(startedAt))
                logger.warning("step failed; retrying", metadata: ["error": "\(message)", "attempt": "\(attempt)", "retry_in_seconds": "\(String(format: "%.1f", delay))"])
                throw RetryScheduled()
            }
            logger.warning("step failed", metadata: ["error": "\(message)", "attempt": "\(attempt)"])
            let completion = StepCompletion(step: step.name, end: .failed(message))
            dependencies.recorder.stepEnded(step.name, outcome: .failed, seconds: completion.at.timeIntervalSince(startedAt))
            return completion
        }
    }

    /// Shows the journal in the run's tracking comment (``TrackingComment``), making it at the
    /// first call of this execution.
    /// - Parameters:
    ///   - marker: the run's hidden marker (``ReportText/reportMarker(_:settings:)``).
    ///   - body: what to show; the journal's progress by default.
    private func track(_ journal: RunJournal, in tracking: inout TrackingComment?, marker: String, logger: Logger, body: String? = nil) async {
        let settings = dependencies.configuration
        if tracking == nil {
            let issue = journal.context.issue
            guard let repository = RepositoryName(fullName: issue.repository) else { return }
            let (github, installationID) = (dependencies.github, issue.installationID)
            tracking = TrackingComment(repository: repository, issue: issue.conversationNumber, marker: marker,
                                               interval: settings.github.commentEditIntervalSeconds,
                                               failPoints: dependencies.failPoints, logger: logger,
                                               owns: { [botUserID = settings.github.botUserID, app = settings.github.usesApp] comment in
                                                   comment.isDayshifts(marker: marker, botUserID: botUserID, signedInAsApp: app)
                                               }) {
                try await github.client(for: repository, installationID: installationID)
            }
        }
        await tracking?.show(body ?? TrackingCommentText.progress(journal, marker: marker))
    }

    /// Checks a fail point, first committing what is held when the point is armed (a crash there
    /// must find every earlier end on disk).
    private func checkpoint(_ site: String, _ side: FailPoint.Side, _ held: inout [StepCompletion]) async throws {
        if dependencies.failPoints.isArmed(site: site, side) { try await commit(&held) }
        try dependencies.failPoints.check(site: site, side)
    }

    /// Commits the held step ends in one transaction.
    private func commit(_ held: inout [StepCompletion]) async throws {
        guard let last = held.last else { return }
        let earlier = Array(held.dropLast())
        try await journaled { try await store.completeStep(last.step, result: last.end, runID: runID, completing: earlier, lease: lease, at: last.at) }
        held = []
    }

    /// Runs a journal access to its end even when this run's task is already cancelled: a cancel
    /// or a shutdown interrupts a step's effect, not the commit of its end (GRDB's async accesses
    /// throw `CancellationError` in a cancelled task). In a live task the access runs directly (no
    /// extra task between two steps); a cancel that lands during it is a crash at that point,
    /// which the journal already survives.
    private func journaled<T: Sendable>(_ access: @escaping @Sendable () async throws -> T) async throws -> T {
        guard Task.isCancelled else { return try await access() }
        return try await Task { try await access() }.value
    }

    private func isInterruption(_ error: any Error) -> Bool {
        error is CancellationError || error is SimulatedCrash || Task.isCancelled
    }

    private func loadJournal() async throws -> RunJournal {
        if let preloaded, preloaded.run.id == runID { return preloaded }
        guard let journal = try await store.journal(runID: runID) else { throw StepFailure("run \(runID) is not in the database") }
        return journal
    }
}
