import Foundation
import Store
import Sandboxes

/// What a step produced, stored as JSON in `run_steps.result` and read back by later steps (also
/// after a restart). Each step fills the fields it owns.
public struct StepOutput: Codable, Sendable, Equatable {
    /// provision: the sandbox's id.
    public var sandboxID: String?
    /// provision: the sandbox's home directory (absolute, on the sandbox's machine), so that output
    /// can show paths relative to the repository.
    public var sandboxHome: String?
    /// clone: the base commit; publish: the pushed commit.
    public var commit: String?
    /// clone: the checked-out base branch; publish: the pushed branch.
    public var branch: String?
    /// setup, baseline, verify, agent: how the command ended.
    public var command: CommandOutcome?
    /// agent: files the agent changed (`git status --porcelain` paths). Empty means no change.
    public var changedFiles: [String]?
    /// agent: what the agent's model calls through the LLM proxy cost, when it made any.
    public var modelUsage: ModelUsageSummary?
    /// publish: what the commit changed.
    public var change: ChangeSummary?
    /// pull_request: the pull request opened or updated.
    public var pullRequest: PullRequestOutcome?
    /// report: the issue comment written or updated.
    public var commentID: Int64?
    /// Anything worth a line in the journal (e.g. `adopted existing sandbox`).
    public var note: String?

    public init(sandboxID: String? = nil, sandboxHome: String? = nil, commit: String? = nil, branch: String? = nil, command: CommandOutcome? = nil,
                changedFiles: [String]? = nil, modelUsage: ModelUsageSummary? = nil, change: ChangeSummary? = nil, pullRequest: PullRequestOutcome? = nil,
                commentID: Int64? = nil, note: String? = nil) {
        self.change = change
        self.modelUsage = modelUsage
        self.sandboxID = sandboxID
        self.sandboxHome = sandboxHome
        self.commit = commit
        self.branch = branch
        self.command = command
        self.changedFiles = changedFiles
        self.pullRequest = pullRequest
        self.commentID = commentID
        self.note = note
    }
}

/// A command's end, as kept in the journal.
public struct CommandOutcome: Codable, Sendable, Equatable {
    /// The command line (operator's config or detected), never issue text.
    public var command: String
    public var exitCode: Int32
    /// The last lines of combined output (`steps.output_tail_lines`).
    public var tail: String
    public var timedOut: Bool
    /// Wall-clock seconds.
    public var seconds: Double

    public init(command: String, result: CommandResult, tailLines: Int) {
        self.command = command
        self.exitCode = result.exitCode
        self.tail = result.lastLines(tailLines)
        self.timedOut = result.timedOut
        self.seconds = result.durationSeconds
    }
}

/// The pull request a run opened or updated.
public struct PullRequestOutcome: Codable, Sendable, Equatable {
    public var number: Int
    public var url: String
    /// The head branch.
    public var head: String
    public var draft: Bool
    /// True when an existing pull request was found and updated instead of opening another.
    public var updated: Bool
}

/// What a published commit changed: paths by kind of change, and the bytes written.
public struct ChangeSummary: Codable, Sendable, Equatable {
    /// Paths written (added or modified), sorted.
    public var written: [String]
    /// Paths deleted, sorted.
    public var deleted: [String]
    /// Bytes of file and link contents written.
    public var bytes: Int

    public init(written: [String], deleted: [String], bytes: Int) {
        self.written = written
        self.deleted = deleted
        self.bytes = bytes
    }

    init(_ change: SandboxChange) {
        var written: [String] = [], deleted: [String] = []
        for entry in change.entries {
            if entry.kind == .deleted { deleted.append(entry.path) } else { written.append(entry.path) }
        }
        self.init(written: written, deleted: deleted, bytes: change.byteCount)
    }
}

/// The LLM proxy's metering of one run (`run_model_usage`), as the journal keeps it.
public struct ModelUsageSummary: Codable, Sendable, Equatable {
    public var requests: Int
    public var inputTokens: Int
    public var outputTokens: Int
    /// US dollars, from `llm.prices`; models without a price count 0.
    public var costUSD: Double

    init(_ usage: RunModelUsage) {
        requests = usage.requests
        inputTokens = usage.inputTokens
        outputTokens = usage.outputTokens
        costUSD = usage.costUSD
    }

    /// e.g. `3 model requests, 1200 input and 340 output tokens, $0.0087`.
    public var sentence: String {
        "\(requests) model \(requests == 1 ? "request" : "requests"), \(inputTokens) input and \(outputTokens) output tokens, $\(String(format: "%.4f", costUSD))"
    }
}
