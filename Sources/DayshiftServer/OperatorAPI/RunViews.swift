import DayshiftCore
import Foundation
import Store

/// How the operator API writes runs and steps (the `RunSummary`, `RunDetail` and `Step` schemas
/// of `openapi/operator-api.yaml`).
enum RunViews {
    /// `RunSummary`.
    /// - Parameter now: the end of a running run's duration.
    static func summary(_ overview: RunOverview, now: Date = Date()) -> [String: JSONValue] {
        summary(overview.run, currentStep: overview.currentStep, usage: overview.usage, now: now)
    }

    /// `RunSummary`.
    /// - Parameters:
    ///   - currentStep: the step it is in, when running.
    ///   - usage: its model usage through the LLM proxy, when metered.
    ///   - now: the end of a running run's duration.
    static func summary(_ run: Run, currentStep: StepName?, usage: RunModelUsage?, now: Date = Date()) -> [String: JSONValue] {
        [
            "id": .int(run.id),
            "issue": .string(run.issueKey),
            "repository": .string(run.context.issue.repository),
            "number": .int(run.context.issue.number),
            "sequence": .int(run.sequence),
            "status": .string(run.status.rawValue),
            "title": .string(run.context.issue.title),
            "created_at": .time(run.createdAt),
            "finished_at": .time(run.finishedAt),
            "duration_seconds": .double((run.finishedAt ?? now).timeIntervalSince(run.createdAt)),
            "summary": .string(run.summary),
            "cancel_requested": .bool(run.cancelRequestedAt != nil),
            "current_step": .string(run.status == .running ? currentStep?.rawValue : nil),
            "cost_usd": usage.map { .double($0.costUSD) } ?? .null,
        ]
    }

    /// `RunDetail`: the summary, every step and the pull request once one exists.
    static func detail(_ journal: RunJournal, usage: RunModelUsage?, now: Date = Date()) -> JSONValue {
        let steps = journal.stepsInOrder
        var fields = summary(journal.run, currentStep: steps.first { $0.status == .running }?.name, usage: usage, now: now)
        fields["steps"] = .array(steps.map(step))
        fields["pull_request"] = journal.pullRequest.map {
            .object(["number": .int($0.number), "url": .string($0.url), "draft": .bool($0.draft)])
        } ?? .null
        return .object(fields)
    }

    /// `Step`.
    static func step(_ step: JournalStep) -> JSONValue {
        .object([
            "name": .string(step.name.rawValue),
            "position": .int(step.position),
            "status": .string(step.status.rawValue),
            "attempts": .int(step.attempt),
            "started_at": .time(step.startedAt),
            "ended_at": .time(step.endedAt),
            "duration_seconds": step.durationSeconds.map { .double($0) } ?? .null,
            "result": .string(step.result.map(resultLine)),
            "error": .string(step.error),
        ])
    }

    /// One line on what a step did, e.g. `` `swift test` exited 0 in 3.2 s ``.
    static func resultLine(_ result: StepResult) -> String {
        switch result {
        case .provision(let result):
            return "sandbox \(result.sandboxID)" + (result.note.map { " (\($0))" } ?? "")
        case .clone(let result):
            return "commit \(result.commit.prefix(12)) of \(result.branch)"
        case .command(let result):
            guard let outcome = result.outcome else { return result.note ?? "nothing to run" }
            return commandLine(outcome)
        case .agent(let result):
            let files = "\(result.changedFiles.count) \(result.changedFiles.count == 1 ? "file" : "files") changed"
            var parts = [commandLine(result.command), files]
            if let profile = result.profile, profile != .command { parts.append("profile \(profile.rawValue)") }
            if let turns = result.account?.turns { parts.append("\(turns) \(turns == 1 ? "turn" : "turns")") }
            if let cost = result.account?.costUSD { parts.append("$\(String(format: "%.4f", cost)) by the agent's count") }
            if let usage = result.modelUsage { parts.append(usage.sentence) }
            if let budget = result.budget { parts.append("stopped at \(budget.sentence)") }
            return parts.joined(separator: "; ")
        case .publish(let result):
            return "commit \(result.commit.prefix(12)) on \(result.branch): \(result.change.written.count) written, \(result.change.deleted.count) deleted"
        case .pullRequest(let result):
            return "\(result.updated ? "updated" : "opened") \(result.draft ? "draft " : "")pull request #\(result.number) \(result.url)"
        case .report(let result):
            return "comment \(result.commentID)" + (result.note.map { " (\($0))" } ?? "")
        case .cleanup(let result):
            return result.note ?? "sandbox deleted"
        }
    }

    static func commandLine(_ outcome: CommandOutcome) -> String {
        let ending = outcome.timedOut ? "timed out" : "exited \(outcome.exitCode)"
        return "`\(outcome.command)` \(ending) in \(String(format: "%.1f", outcome.seconds)) s"
    }
}
