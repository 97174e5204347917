import DayshiftConfig
import Foundation
import GitHub
import Logging
import Store

/// The durable object for one issue (`owner/repo#n`): the only live instance for its id (the
/// registry makes sure), handling its inbox one message at a time, with all state in SQLite.
///
/// - `fix` / `retry`: start a run, unless one is running (then the message is answered
///   `already running: run N`; no second run is queued).
/// - `cancel` / `closed`: stop the running run; its report and cleanup steps still run.
actor IssueObject {
    let key: String
    private let dependencies: RunDependencies
    private var logger: Logger
    private var drainTask: Task<Void, Never>?
    private var wakeAgain = false
    private var runTask: Task<RunExecutor.Ending, Never>?
    private var shuttingDown = false

    init(key: String, dependencies: RunDependencies) {
        self.key = key
        self.dependencies = dependencies
        var logger = dependencies.logger
        logger[metadataKey: "issue"] = "\(key)"
        self.logger = logger
    }

    /// Asks the object to look at its inbox and its running run. Returns at once.
    func wake() {
        guard !shuttingDown else { return }
        if drainTask != nil {
            wakeAgain = true
            return
        }
        drainTask = Task { await self.drain() }
    }

    /// Stops the running run where it is (it resumes from its journal at the next start) and waits.
    func shutDown() async {
        shuttingDown = true
        runTask?.cancel()
        _ = await runTask?.value
        await drainTask?.value
    }

    /// True while a message is being handled or a run is executing.
    var isBusy: Bool { drainTask != nil || runTask != nil }

    private func drain() async {
        repeat {
            wakeAgain = false
            do {
                while !shuttingDown, let message = try dependencies.store.nextPendingMessage(issueKey: key) {
                    try await handle(message)
                }
                if !shuttingDown, runTask == nil, let running = try dependencies.store.runningRun(issueKey: key), let id = running.id {
                    startExecuting(runID: id)
                }
            } catch {
                logger.error("issue object could not read its state", metadata: ["error": "\(error)"])
            }
        } while wakeAgain && !shuttingDown
        drainTask = nil
    }

    private func handle(_ message: InboxMessageRecord) async throws {
        guard let id = message.id else { return }
        let command = IssueCommand(rawValue: message.kind) ?? .fix
        switch command {
        case .fix, .retry:
            try startRun(message: message, id: id)
        case .cancel, .closed:
            guard let running = try dependencies.store.runningRun(issueKey: key), let runID = running.id else {
                try dependencies.store.markMessageHandled(id: id, outcome: "no running run to stop")
                return
            }
            try dependencies.store.requestCancel(runID: runID)
            if let task = runTask {
                task.cancel()
                _ = await task.value
            }
            try dependencies.store.markMessageHandled(id: id, outcome: "cancelling run \(running.sequence)")
            startExecuting(runID: runID)
        }
    }

    private func startRun(message: InboxMessageRecord, id: Int64) throws {
        if let running = try dependencies.store.runningRun(issueKey: key) {
            try dependencies.store.markMessageHandled(id: id, outcome: "already running: run \(running.sequence)")
            return
        }
        let snapshot = try JSONDecoder().decode(IssueSnapshot.self, from: message.body)
        let context: RunContext
        do {
            context = try RunContext(issue: snapshot, settings: dependencies.configuration.repository(snapshot.repository),
                                     branchPrefix: dependencies.configuration.git.branchPrefix)
        } catch {
            try dependencies.store.markMessageHandled(id: id, outcome: "not started: \(error)")
            return
        }
        do {
            let run = try dependencies.store.startRun(issueKey: key, triggerMessageID: id, context: JSONEncoder().encode(context),
                                                      steps: RunExecutor.stepNames)
            logger.info("run started", metadata: ["run": "\(run.id ?? 0)", "sequence": "\(run.sequence)"])
            if let runID = run.id { startExecuting(runID: runID) }
        } catch StartRunError.alreadyRunning(let runID) {
            try dependencies.store.markMessageHandled(id: id, outcome: "already running: run id \(runID)")
        }
    }

    private func startExecuting(runID: Int64) {
        guard runTask == nil, !shuttingDown else { return }
        let executor = RunExecutor(dependencies: dependencies, runID: runID)
        runTask = Task {
            let ending = await executor.execute()
            await self.runEnded(ending)
            return ending
        }
    }

    private func runEnded(_ ending: RunExecutor.Ending) {
        runTask = nil
        // A cancel interrupts the run on purpose; pick it up again at once for report and cleanup.
        if ending == .interrupted, !shuttingDown { wake() }
    }
}
