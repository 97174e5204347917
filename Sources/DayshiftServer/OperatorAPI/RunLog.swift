import DayshiftCore
import Foundation

/// A run's log, read off its journal: an entry when a step starts, one when it ends (with the
/// last lines of its command's output, already redacted when the journal stored it), and one
/// when the run finishes. Ids are fixed by position, so they grow within a run and a reader
/// can continue after the last id it saw: step *p* starts at `2p + 1` and ends at `2p + 2`;
/// the run's end is `2n + 1` for *n* steps.
struct RunLogEntry: Sendable, Equatable {
    enum Kind: String, Sendable {
        case stepStarted = "step_started", stepSucceeded = "step_succeeded", stepFailed = "step_failed", stepSkipped = "step_skipped"
        case runFinished = "run_finished"
    }

    var id: Int
    var time: Date
    var kind: Kind
    var step: StepName?
    var text: String

    /// The `LogEntry` schema of `openapi/operator-api.yaml`.
    var json: JSONValue {
        .object(["id": .int(id), "time": .time(time), "kind": .string(kind.rawValue), "step": .string(step?.rawValue), "text": .string(text)])
    }

    /// Every entry the journal holds now, in id order.
    static func entries(of journal: RunJournal) -> [RunLogEntry] {
        var entries: [RunLogEntry] = []
        for step in journal.stepsInOrder {
            if let started = step.startedAt {
                let attempt = step.attempt > 1 ? " (attempt \(step.attempt))" : ""
                entries.append(RunLogEntry(id: 2 * step.position + 1, time: started, kind: .stepStarted, step: step.name,
                                           text: "\(step.name.rawValue) started\(attempt)"))
            }
            if let ended = step.endedAt, let end = endEntry(step, at: ended) {
                entries.append(end)
            }
        }
        let run = journal.run
        if run.status.isFinal {
            entries.append(RunLogEntry(id: 2 * journal.steps.count + 1, time: run.finishedAt ?? run.createdAt, kind: .runFinished, step: nil,
                                       text: "run \(run.status.rawValue)" + (run.summary.map { ": \($0)" } ?? "")))
        }
        return entries
    }

    private static func endEntry(_ step: JournalStep, at ended: Date) -> RunLogEntry? {
        let id = 2 * step.position + 2
        let duration = step.durationSeconds.map { String(format: " in %.1f s", $0) } ?? ""
        switch step.status {
        case .succeeded:
            var text = "\(step.name.rawValue) succeeded\(duration)"
            if let result = step.result {
                text += ": \(RunViews.resultLine(result))"
                if let tail = outputTail(result), !tail.isEmpty { text += "\n\(tail)" }
            }
            return RunLogEntry(id: id, time: ended, kind: .stepSucceeded, step: step.name, text: text)
        case .failed:
            return RunLogEntry(id: id, time: ended, kind: .stepFailed, step: step.name,
                               text: "\(step.name.rawValue) failed\(duration): \(step.error ?? "no reason recorded")")
        case .skipped:
            return RunLogEntry(id: id, time: ended, kind: .stepSkipped, step: step.name, text: "\(step.name.rawValue) skipped")
        case .pending, .running:
            return nil
        }
    }

    /// The last lines of a command step's or the agent's output.
    private static func outputTail(_ result: StepResult) -> String? {
        switch result {
        case .command(let result): result.outcome?.tail
        case .agent(let result): result.command.tail
        default: nil
        }
    }
}
