/// A message for an issue object, as intake sends it (stored with its delivery).
public struct IssueMessage: Sendable, Equatable {
    /// The issue object it is for.
    public var issueKey: IssueKey
    public var command: IssueCommand
    /// What the delivery said about the issue.
    public var snapshot: IssueSnapshot
    /// Who asked and how; `nil` for messages that name no sender.
    public var origin: TriggerOrigin?

    public init(issueKey: IssueKey, command: IssueCommand, snapshot: IssueSnapshot, origin: TriggerOrigin? = nil) {
        self.issueKey = issueKey
        self.command = command
        self.snapshot = snapshot
        self.origin = origin
    }
}
