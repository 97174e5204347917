import Foundation

/// A stored message in an issue object's inbox, handled once.
public struct InboxMessage: Sendable, Equatable {
    public var id: Int64
    /// `owner/repo#number`, as ``IssueKey`` spells it.
    public var issueKey: String
    /// The kind as stored: an ``IssueCommand`` raw value, or anything a newer writer or a hand
    /// edit put there (then ``command`` is `nil`).
    public var kind: String
    /// The delivery that caused it.
    public var deliveryGUID: String
    /// The issue as the delivery described it; `nil` when the stored body does not decode.
    public var snapshot: IssueSnapshot?
    public var createdAt: Date
    public var handledAt: Date?
    /// What the issue object did, e.g. `started run 3` or `already running: run 2`.
    public var outcome: String?
    /// Who asked and how (stored since the `v8-triggers` migration); `nil` for older messages.
    public var origin: TriggerOrigin?

    public init(id: Int64, issueKey: String, kind: String, deliveryGUID: String, snapshot: IssueSnapshot?, createdAt: Date,
                handledAt: Date? = nil, outcome: String? = nil, origin: TriggerOrigin? = nil) {
        self.origin = origin
        self.id = id
        self.issueKey = issueKey
        self.kind = kind
        self.deliveryGUID = deliveryGUID
        self.snapshot = snapshot
        self.createdAt = createdAt
        self.handledAt = handledAt
        self.outcome = outcome
    }

    /// The command, when ``kind`` is one this version knows.
    public var command: IssueCommand? { IssueCommand(rawValue: kind) }
}
