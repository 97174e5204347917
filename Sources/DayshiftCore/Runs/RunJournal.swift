import Foundation

/// A run as its journal tells it: the run with its frozen context, plus every step's state and
/// result. The Store reads it in one transaction; the executor then keeps it in memory, applying
/// its own writes (it is the only writer under its lease).
public struct RunJournal: Sendable, Equatable {
    public var run: Run
    public var steps: [StepName: JournalStep]

    public init(run: Run, steps: [JournalStep]) {
        self.run = run
        self.steps = Dictionary(steps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The frozen context the run works from.
    public var context: RunContext { run.context }

    /// The steps in the order they run (by position).
    public var stepsInOrder: [JournalStep] {
        steps.values.sorted { $0.position < $1.position }
    }

    /// The stored result of a succeeded step.
    public func result(_ step: StepName) -> StepResult? {
        guard let entry = steps[step], entry.status == .succeeded else { return nil }
        return entry.result
    }

    /// The provision step's result, once it succeeded.
    public var provision: ProvisionResult? {
        if case .provision(let result) = result(.provision) { return result }
        return nil
    }

    /// The clone step's result, once it succeeded.
    public var clone: CloneResult? {
        if case .clone(let result) = result(.clone) { return result }
        return nil
    }

    /// The agent step's result, once it succeeded.
    public var agent: AgentResult? {
        if case .agent(let result) = result(.agent) { return result }
        return nil
    }

    /// The publish step's result, once it succeeded.
    public var publish: PublishResult? {
        if case .publish(let result) = result(.publish) { return result }
        return nil
    }

    /// The pull request step's result, once it succeeded.
    public var pullRequest: PullRequestResult? {
        if case .pullRequest(let result) = result(.pull_request) { return result }
        return nil
    }

    /// The report step's result, once it succeeded.
    public var report: ReportResult? {
        if case .report(let result) = result(.report) { return result }
        return nil
    }

    /// How a command step (setup, baseline, verify) ended, once it succeeded and ran a command.
    public func commandOutcome(_ step: StepName) -> CommandOutcome? {
        if case .command(let result) = result(step) { return result.outcome }
        return nil
    }

    /// The first step that failed, if any.
    public var failedStep: JournalStep? {
        steps.values.filter { $0.status == .failed }.min { $0.position < $1.position }
    }

    public var sandboxID: String? { provision?.sandboxID }
    public var baseline: CommandOutcome? { commandOutcome(.baseline) }
    public var verify: CommandOutcome? { commandOutcome(.verify) }
    /// The test command the baseline step settled on (configured or detected).
    public var testCommand: String? { baseline?.command ?? context.testCommand }
    /// True once the agent step has succeeded without changing any file.
    public var agentMadeNoChange: Bool { agent?.changedFiles.isEmpty == true }
    public var cancelRequested: Bool { run.cancelRequestedAt != nil }

    /// Whether `step` should be skipped: after a failure, a cancel, or an agent that changed
    /// nothing, only the steps that always run (report, cleanup) still run; after an agent stopped
    /// by a budget, publish and pull request run only when the verify tests passed.
    public func shouldSkip(_ step: StepName) -> Bool {
        if step.alwaysRuns { return false }
        if cancelRequested || failedStep != nil { return true }
        if agentMadeNoChange { return [.verify, .publish, .pull_request].contains(step) }
        // An agent stopped by a budget: its change is published only when the verify tests pass.
        if agent?.budget != nil, [.publish, .pull_request].contains(step) { return verify.map { $0.exitCode != 0 } ?? true }
        return false
    }

    /// The run's final status, judged from the journal.
    public var finalStatus: RunStatus {
        if cancelRequested { return .cancelled }
        if failedStep != nil { return .failed }
        if agent?.budget != nil { return .budgetExceeded }
        if agentMadeNoChange { return .no_changes }
        if let verify, verify.exitCode != 0 { return .tests_failed }
        return .succeeded
    }

    /// Applies a step start that was committed: `running`, with its attempt number.
    public mutating func began(_ step: StepName, attempt: Int, at date: Date) {
        steps[step]?.status = .running
        steps[step]?.attempt = attempt
        steps[step]?.startedAt = date
        steps[step]?.endedAt = nil
        steps[step]?.error = nil
    }

    /// Applies a step end (committed, or about to be committed with the next write).
    public mutating func ended(_ step: StepName, _ end: StepEnd, at date: Date) {
        steps[step]?.status = end.status
        steps[step]?.endedAt = date
        switch end {
        case .succeeded(let result):
            steps[step]?.result = result
            steps[step]?.error = nil
        case .failed(let error):
            steps[step]?.result = nil
            steps[step]?.error = error
        case .skipped:
            steps[step]?.result = nil
            steps[step]?.error = nil
        }
    }
}
