import DayshiftCore
import Foundation

/// The body of a run's tracking comment on the issue: one comment per run, posted when the run
/// starts and edited in place as its steps end (``TrackingComment``), then edited one last time by
/// the report step with the final status.
///
/// Everything in it comes from the journal (steps' states and durations, exit codes, the pull
/// request's number), never from the agent's words; untrusted text (a step's error, which may
/// quote output) appears only inside a fenced block with mentions neutralised.
enum TrackingCommentText {
    /// How a person reads a step's name.
    static func title(_ step: StepName) -> String {
        switch step {
        case .baseline: "baseline tests"
        case .verify: "verify tests"
        case .pull_request: "pull request"
        default: step.rawValue
        }
    }

    /// While the run works: a headline naming the current step, the checklist, and the pull
    /// request once it exists, then the hidden marker.
    static func progress(_ journal: RunJournal, marker: String) -> String {
        let current = journal.stepsInOrder.first { $0.status == .running }
        var lines = ["**Dayshift is working on this issue** (run \(journal.run.sequence))"
            + (current.map { ": now `\(title($0.name))`" } ?? "."), ""]
        lines += checklist(journal)
        if let pull = journal.pullRequest {
            lines += ["", "Pull request: #\(pull.number) (\(pull.url))"]
        }
        lines += ["", marker]
        return lines.joined(separator: "\n")
    }

    /// While the run waits for a sandbox slot (`runtime.max_concurrent_runs`): its place in the
    /// queue, the checklist (nothing started yet), then the hidden marker. The run's later edits
    /// replace it in the same comment.
    static func queued(_ journal: RunJournal, position: Int, slots: Int, marker: String) -> String {
        let runs = slots == 1 ? "1 run" : "\(slots) runs"
        var lines = ["**Dayshift will work on this issue** (run \(journal.run.sequence)): queued, position \(position). "
            + "The server runs \(runs) at a time; this one starts when a slot frees (`/dayshift cancel` takes it out of the queue).", ""]
        lines += checklist(journal)
        lines += ["", marker]
        return lines.joined(separator: "\n")
    }

    /// At the end (the report step's edit): the final status in a sentence judged from durable
    /// facts, the checklist, and on failure the failing step with its last lines in a fenced block.
    /// - Parameter adoptedUnchanged: the pull request's branch already held this very commit from
    ///   an earlier run (a retry that changed nothing on GitHub).
    static func final(_ journal: RunJournal, adoptedUnchanged: Bool, marker: String) -> String {
        var lines = [ReportText.issueComment(journal, adoptedUnchanged: adoptedUnchanged), ""]
        lines += checklist(journal, finishing: true)
        if journal.finalStatus == .tests_failed, let verify = journal.verify {
            lines += [""] + ReportText.codeBlock(verify.tail, summary: "last lines of the verify tests (`\(ReportText.markdownSafe(verify.command))`)")
        }
        lines += ["", marker]
        return lines.joined(separator: "\n")
    }

    /// One line per step: its state and, once ended, its duration. The report and cleanup steps
    /// are shown only while they run (the final edit is the report itself).
    static func checklist(_ journal: RunJournal, finishing: Bool = false) -> [String] {
        journal.stepsInOrder.compactMap { step in
            if finishing, step.name.alwaysRuns { return nil }
            let name = title(step.name)
            let duration = step.durationSeconds.map { " · \(seconds($0))" } ?? ""
            switch step.status {
            case .succeeded: return "- ✅ \(name)\(duration)"
            case .failed: return "- ❌ \(name)\(duration) (failed)"
            case .skipped: return "- ⏭️ ~~\(name)~~ (skipped)"
            case .running: return "- ⏳ **\(name)** (running)"
            case .pending: return finishing ? nil : "- ⬜ \(name)"
            }
        }
    }

    /// `0.4 s`, `12 s`, `3 min 5 s`.
    static func seconds(_ value: Double) -> String {
        if value < 10 {
            // Digits by hand: Foundation's String(format:) costs microseconds on Linux, once per step line per edit.
            let tenths = Int((max(0, value) * 10).rounded(.toNearestOrEven))
            return "\(tenths / 10).\(tenths % 10) s"
        }
        let whole = Int(value.rounded())
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }
}
