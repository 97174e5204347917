import Foundation

/// One run of an issue object: the job of turning the issue into a pull request once. At most
/// one run per issue is `running` at a time.
public struct Run: Sendable, Equatable {
    /// The run's id, unique across issues.
    public var id: Int64
    /// `owner/repo#number`, as ``IssueKey`` spells it.
    public var issueKey: String
    /// 1 for the issue's first run, 2 for its second, …
    public var sequence: Int
    public var status: RunStatus
    /// The inbox message that started it.
    public var triggerMessageID: Int64
    /// The issue snapshot and settings the run works from, frozen at its start.
    public var context: RunContext
    public var createdAt: Date
    public var finishedAt: Date?
    /// One line on how it ended, e.g. `verify tests failed: draft pull request #7`.
    public var summary: String?
    /// Set when `/dayshift cancel` or `issues.closed` asked the run to stop.
    public var cancelRequestedAt: Date?

    public init(id: Int64, issueKey: String, sequence: Int, status: RunStatus, triggerMessageID: Int64, context: RunContext,
                createdAt: Date, finishedAt: Date? = nil, summary: String? = nil, cancelRequestedAt: Date? = nil) {
        self.id = id
        self.issueKey = issueKey
        self.sequence = sequence
        self.status = status
        self.triggerMessageID = triggerMessageID
        self.context = context
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.summary = summary
        self.cancelRequestedAt = cancelRequestedAt
    }
}
