import DayshiftConfig
import DayshiftCore
import Foundation
import GitHub
import Logging
import Store

/// The durable object for one issue (`owner/repo#n`): the only live instance for its id (the
/// registry in this process, and a lease epoch in the database across processes), handling its
/// inbox one message at a time, with all state in SQLite.
///
/// - every message whose origin names a sender (label, assignment, mention, command): first the
///   sender's repository role is checked (``SenderPermissions``) against `triggers.minimum_permission`
///   (`triggers.label_minimum_permission` for labels); below it, nothing happens and the outcome says why.
/// - `fix` / `retry`: start a run, unless one is running or queued (then the message is answered
///   `already running: run N`, with one short comment on the issue; no second run is queued), the
///   installation is blocked (deleted, suspended, repository removed), the issue has started
///   `triggers.max_runs_per_issue_per_hour` runs in the last hour (then one polite comment per hour),
///   or a daily budget is used up (then the message is answered `refused: …` and the issue is told
///   once that day). A new run waits in the fair queue until it holds a sandbox slot (see ``RunExecutor``).
/// - `follow_up`: feedback on Dayshift's pull request; starts a run on its branch, or, while a run
///   is running, is queued (durably) and started when that run ends, all queued feedback in one run.
/// - `cancel` / `closed`: stop the running or queued run; its report and cleanup steps still run. A
///   `cancel` with nothing to stop gets one short comment on the issue (``IssueAnswer``).
/// - any other kind: nothing starts; the message's outcome is `error: unknown message kind "…"`.
actor IssueObject {
    let key: String
    let dependencies: RunDependencies
    private(set) var logger: Logger
    private var lease: IssueLease?
    private var drainTask: Task<Void, Never>?
    private var wakeAgain = false
    private var runTask: Task<RunExecutor.Ending, Never>?
    private var shuttingDown = false
    /// Set when a newer activation took over; this instance does nothing more.
    private(set) var superseded = false
    /// When the object last did anything (for hibernation).
    private(set) var lastActive = Date()

    init(key: String, dependencies: RunDependencies) {
        self.key = key
        self.dependencies = dependencies
        var logger = dependencies.logger
        logger[metadataKey: "issue"] = "\(key)"
        self.logger = logger
    }

    /// A running run's journal read in a batch at start (recovery), used by the first execution
    /// of that run instead of reading it again; dropped once used or once this object writes to it.
    private var resumeJournal: RunJournal?

    /// Asks the object to look at its inbox and its running run. Returns at once.
    /// - Parameters:
    ///   - journal: the journal of the issue's running run, when the caller has just read it.
    ///   - lease: this object's activation, when the caller took it (in a batch) for it.
    func wake(resuming journal: RunJournal? = nil, lease activation: IssueLease? = nil) {
        // Only an object that has done nothing yet can trust a journal read before it activated.
        if lease == nil, runTask == nil {
            if let journal { resumeJournal = journal }
            if let activation, activation.issueKey == key { lease = activation }
        }
        lastActive = Date()
        guard !shuttingDown, !superseded, !dependencies.stopping.isRaised else { return }
        if drainTask != nil {
            wakeAgain = true
            return
        }
        drainTask = Task { await self.drain() }
    }

    /// Lets the running step reach its journal point for up to `graceSeconds`, then cancels it
    /// (the run resumes from its journal at the next start), and waits.
    func shutDown(graceSeconds: Double) async {
        shuttingDown = true
        if let task = runTask {
            let logger = logger
            let deadline = Task {
                try await Task.sleep(for: .seconds(graceSeconds))
                logger.warning("step still running after the shutdown grace period; interrupting it (it resumes at the next start)")
                task.cancel()
            }
            _ = await task.value
            deadline.cancel()
        }
        await drainTask?.value
    }

    /// True while a message is being handled or a run is executing.
    var isBusy: Bool { drainTask != nil || runTask != nil }

    /// The lease this instance holds, for renewal and release; nil before its first use and once
    /// superseded.
    var heldLease: IssueLease? { superseded ? nil : lease }

    /// The lease, taken at first use: a new epoch in the database (refused while another
    /// replica holds a live lease on this issue).
    private func currentLease() async throws -> IssueLease {
        if let lease { return lease }
        let lease = try await dependencies.store.activate(issueKey: key, owner: dependencies.replica, leaseSeconds: dependencies.leaseSeconds)
        self.lease = lease
        return lease
    }

    /// The lease could not be renewed (it expired and another replica took this issue object
    /// over): this instance stops, its running step interrupted.
    func leaseLost() {
        guard let lease, !superseded else { return }
        becomeSuperseded(StoreError.leaseLost(issueKey: lease.issueKey, epoch: lease.epoch))
    }

    private func drain() async {
        repeat {
            wakeAgain = false
            do {
                let lease = try await currentLease()
                while !shuttingDown, let message = try await dependencies.store.nextPendingMessage(issueKey: key) {
                    try await handle(message, lease: lease)
                }
                if !shuttingDown, runTask == nil {
                    if let journal = resumeJournal {
                        startExecuting(runID: journal.run.id, lease: lease, journal: journal)
                    } else if let running = try await dependencies.store.runningRun(issueKey: key) {
                        startExecuting(runID: running.id, lease: lease)
                    } else {
                        try await startQueuedFollowUps(lease: lease)
                    }
                }
            } catch StoreError.leaseLost(let issueKey, let epoch) {
                becomeSuperseded(StoreError.leaseLost(issueKey: issueKey, epoch: epoch))
            } catch StoreError.leaseHeld(_, let owner, _) {
                // Another replica owns this issue object now; it handles the messages and the run.
                logger.debug("issue object held by another replica", metadata: ["replica": "\(owner)"])
                superseded = true
            } catch {
                logger.error("issue object could not read its state", metadata: ["error": "\(error)"])
            }
        } while wakeAgain && !shuttingDown && !superseded
        drainTask = nil
        lastActive = Date()
    }

    private func becomeSuperseded(_ error: StoreError) {
        logger.warning("issue object superseded; stopping this instance", metadata: ["reason": "\(error)"])
        superseded = true
        runTask?.cancel()
    }

    private func handle(_ message: InboxMessage, lease: IssueLease) async throws {
        let id = message.id
        let store = dependencies.store
        guard let command = message.command else {
            // A kind this version does not know (a newer writer, a hand-edited row) starts nothing.
            logger.error("inbox message of unknown kind; nothing started", metadata: ["message": "\(id)", "kind": "\(message.kind)"])
            try await store.markMessageHandled(id: id, outcome: "error: unknown message kind \"\(message.kind)\"", lease: lease)
            return
        }
        if let refusal = await permissionRefusal(message) {
            logger.info("trigger refused", metadata: ["message": "\(id)", "reason": "\(refusal)"])
            try await store.markMessageHandled(id: id, outcome: refusal, lease: lease)
            return
        }
        switch command {
        case .fix, .retry:
            try await startRun(message: message, id: id, lease: lease)
        case .followUp:
            if let ended = await endedConversation(message) {
                logger.info("follow-up ignored", metadata: ["message": "\(id)", "reason": "\(ended)"])
                try await store.markMessageHandled(id: id, outcome: ended, lease: lease)
                return
            }
            if let running = try await store.runningRun(issueKey: key) {
                try await store.queueFollowUp(messageID: id, outcome: "queued behind run \(running.sequence)", lease: lease)
                return
            }
            try await startRun(message: message, id: id, lease: lease)
        case .cancel, .closed:
            guard let running = try await store.runningRun(issueKey: key) else {
                if command == .cancel {
                    await answer.post("Dayshift has no run on this issue to cancel.", to: message, outcome: "no running run to stop")
                }
                try await store.markMessageHandled(id: id, outcome: "no running run to stop", lease: lease)
                return
            }
            let runID = running.id
            if running.cancelRequestedAt != nil {
                // Already stopping: a second interruption would cut into its report and cleanup.
                let outcome = "already cancelling run \(running.sequence)"
                if command == .cancel {
                    await answer.post("Dayshift is already stopping its run on this issue (run \(running.sequence)).", to: message, outcome: outcome)
                }
                try await store.markMessageHandled(id: id, outcome: outcome, lease: lease)
                return
            }
            resumeJournal = nil
            try await store.requestCancel(runID: runID, lease: lease)
            if let task = runTask {
                task.cancel()
                _ = await task.value
            }
            try await store.markMessageHandled(id: id, outcome: "cancelling run \(running.sequence)", lease: lease)
            startExecuting(runID: runID, lease: lease)
        }
    }

    /// Starts one run for every follow-up queued while the last run ran (their feedback together).
    private func startQueuedFollowUps(lease: IssueLease) async throws {
        let queued = try await dependencies.store.queuedFollowUps(issueKey: key)
        guard let latest = queued.last, var snapshot = latest.snapshot, var followUp = snapshot.followUp else { return }
        followUp.feedback = queued.flatMap { $0.snapshot?.followUp?.feedback ?? [] }
        snapshot.followUp = followUp
        var message = latest
        message.snapshot = snapshot
        try await startRun(message: message, id: latest.id, lease: lease, takingQueuedFollowUps: true)
    }

    private func startRun(message: InboxMessage, id: Int64, lease: IssueLease, takingQueuedFollowUps: Bool = false) async throws {
        let store = dependencies.store
        if let running = try await store.runningRun(issueKey: key) {
            let outcome = "already running: run \(running.sequence)"
            await answer.post(Self.alreadyWorking(sequence: running.sequence), to: message, outcome: outcome)
            try await store.markMessageHandled(id: id, outcome: outcome, lease: lease)
            return
        }
        guard var snapshot = message.snapshot else {
            logger.error("run not started: the message's issue snapshot does not decode", metadata: ["message": "\(id)"])
            try await store.markMessageHandled(id: id, outcome: "error: the message's issue snapshot does not decode", lease: lease)
            return
        }
        if let installation = snapshot.installationID,
           let reason = try await store.installationBlock(installationID: installation, repository: snapshot.repository) {
            logger.info("run not started: installation blocked", metadata: ["message": "\(id)", "reason": "\(reason)"])
            try await store.markMessageHandled(id: id, outcome: "not started: installation \(installation) is blocked (\(reason))", lease: lease)
            return
        }
        if snapshot.followUp != nil, let earlier = try await store.latestRun(issueKey: key)?.context.issue {
            // A review's payload does not carry the issue: the follow-up works from the issue as the last run saw it.
            snapshot.title = earlier.title
            snapshot.body = earlier.body
        }
        if let refusal = try await hourlyCapRefusal(snapshot) {
            logger.info("run not started: hourly cap", metadata: ["message": "\(id)", "reason": "\(refusal)"])
            try await store.markMessageHandled(id: id, outcome: refusal, lease: lease)
            return
        }
        let context: RunContext
        do {
            context = try RunContext(issue: snapshot, settings: dependencies.configuration.repository(snapshot.repository),
                                     branchPrefix: dependencies.configuration.git.branchPrefix)
        } catch {
            logger.error("run not started", metadata: ["message": "\(id)", "reason": "\(error)"])
            try await store.markMessageHandled(id: id, outcome: "not started: \(error)", lease: lease)
            return
        }
        do {
            let journal = try await store.startRun(context, lease: lease, triggerMessageID: id, steps: RunExecutor.stepNames,
                                                   budget: dependencies.configuration.budgets.daily,
                                                   takingQueuedFollowUps: takingQueuedFollowUps)
            logger.info("run started", metadata: ["run": "\(journal.run.id)", "sequence": "\(journal.run.sequence)"])
            startExecuting(runID: journal.run.id, lease: lease, journal: journal)
        } catch StartRunError.alreadyRunning(let runID) {
            let outcome = "already running: run id \(runID)"
            await answer.post(Self.alreadyWorking(sequence: nil), to: message, outcome: outcome)
            try await store.markMessageHandled(id: id, outcome: outcome, lease: lease)
        } catch StartRunError.installationBlocked(let reason) {
            // Blocked between the check above and the start (a change another replica recorded).
            logger.info("run not started: installation blocked", metadata: ["message": "\(id)", "reason": "\(reason)"])
            try await store.markMessageHandled(id: id, outcome: "not started: installation \(snapshot.installationID ?? 0) is blocked (\(reason))", lease: lease)
        } catch let refusal as DailyBudgetRefusal {
            try await refuse(refusal, messageID: id, issue: snapshot, lease: lease)
        }
    }

    /// A trigger over a daily budget starts nothing: its message records the refusal, and the
    /// issue is told once that UTC day (recorded after the comment, so a failed comment is tried
    /// again at the next refused trigger). Nothing is retried.
    private func refuse(_ refusal: DailyBudgetRefusal, messageID: Int64, issue: IssueSnapshot, lease: IssueLease) async throws {
        let store = dependencies.store
        logger.notice("run refused by a daily budget", metadata: ["message": "\(messageID)", "reason": "\(refusal)"])
        guard try await store.recordBudgetRefusal(refusal, messageID: messageID, lease: lease) else { return }
        do {
            guard let repo = RepositoryName(fullName: issue.repository) else { return }
            let github = try await dependencies.github.client(for: repo, installationID: issue.installationID)
            _ = try await github.createIssueComment(repo, issue: issue.number, body: NoticeText.budgetRefused(refusal))
            try await store.markBudgetNoticeCommented(issueKey: key, day: refusal.day)
        } catch let error as StoreError {
            throw error
        } catch {
            logger.warning("could not tell the issue its run was refused", metadata: ["error": "\(dependencies.redactor.redact(String(describing: error)))"])
        }
    }

    /// The answer to a trigger that arrives while a run is active.
    static func alreadyWorking(sequence: Int?) -> String {
        "Dayshift is already working on this issue\(sequence.map { " (run \($0))" } ?? ""); this request starts nothing new. "
            + "Its progress is in its tracking comment here; ask again once it has finished."
    }

    private var answer: IssueAnswer { IssueAnswer(dependencies: dependencies, logger: logger) }

    private func startExecuting(runID: Int64, lease: IssueLease, journal: RunJournal? = nil) {
        guard runTask == nil, !shuttingDown, !superseded else { return }
        resumeJournal = nil
        let executor = RunExecutor(dependencies: dependencies, runID: runID, lease: lease, preloaded: journal)
        runTask = Task {
            let ending = await executor.execute()
            self.runEnded(ending)
            return ending
        }
    }

    private func runEnded(_ ending: RunExecutor.Ending) {
        runTask = nil
        lastActive = Date()
        switch ending {
        case .superseded:
            superseded = true
        case .interrupted where !shuttingDown:
            // A cancel interrupts the run on purpose; pick it up again at once for report and cleanup.
            wake()
        case .finished where !shuttingDown:
            // Follow-ups queued while it ran start now.
            wake()
        default:
            break
        }
    }
}
