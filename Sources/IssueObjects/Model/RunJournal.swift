import DayshiftConfig
import DayshiftCore
import Foundation
import Store

/// A run as its journal tells it: the frozen context plus every step's record and output.
/// Rebuilt from SQLite at each step, so a resumed run sees exactly what was committed.
public struct RunJournal: Sendable {
    public var run: RunRecord
    public var context: RunContext
    public var steps: [StepName: StepRecord]

    public init(run: RunRecord, steps: [StepRecord]) throws {
        self.run = run
        self.context = try JSONDecoder().decode(RunContext.self, from: run.context)
        self.steps = Dictionary(uniqueKeysWithValues: steps.map { ($0.name, $0) })
    }

    /// The stored output of a succeeded step.
    public func output(_ step: StepName) -> StepOutput? {
        guard let record = steps[step], record.status == .succeeded, let data = record.result else { return nil }
        return try? JSONDecoder().decode(StepOutput.self, from: data)
    }

    /// The first step that failed, if any.
    public var failedStep: StepRecord? {
        steps.values.filter { $0.status == .failed }.min { $0.position < $1.position }
    }

    public var sandboxID: String? { output(.provision)?.sandboxID }
    public var baseline: CommandOutcome? { output(.baseline)?.command }
    public var verify: CommandOutcome? { output(.verify)?.command }
    /// The test command the baseline step settled on (configured or detected).
    public var testCommand: String? { baseline?.command ?? context.testCommand }
    /// True once the agent step has succeeded without changing any file.
    public var agentMadeNoChange: Bool { output(.agent)?.changedFiles?.isEmpty == true }
    public var cancelRequested: Bool { run.cancelRequestedAt != nil }

    /// Whether `step` should be skipped: after a failure, a cancel, or an agent that changed
    /// nothing, only the steps that always run (report, cleanup) still run.
    public func shouldSkip(_ step: StepName) -> Bool {
        if step.alwaysRuns { return false }
        if cancelRequested || failedStep != nil { return true }
        return agentMadeNoChange && [.verify, .publish, .pull_request].contains(step)
    }

    /// The run's final status, judged from the journal.
    public var finalStatus: RunRecord.Status {
        if cancelRequested { return .cancelled }
        if failedStep != nil { return .failed }
        if agentMadeNoChange { return .no_changes }
        if let verify, verify.exitCode != 0 { return .tests_failed }
        return .succeeded
    }
}
