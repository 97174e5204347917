/// Who asked for an issue object's message, and how: carried with the inbox message so the issue
/// object can check the sender's permission before it acts, and so a repeated trigger is known.
public struct TriggerOrigin: Codable, Sendable, Equatable {
    /// How the request was made.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// `issues.labeled` with the trigger label.
        case label
        /// A comment starting with the command word (`/dayshift`).
        case command
        /// A comment starting with `@<app-slug>`.
        case mention
        /// `issues.assigned` to the App's bot user.
        case assignment
        /// `issues.opened` (the repository's `on_open`).
        case opened
        /// `issues.closed`.
        case closed
        /// An `installation` or `installation_repositories` delivery that blocks the installation.
        case installation
        /// A review, a review comment, or a command or mention comment on Dayshift's pull request.
        case review
    }

    public var kind: Kind
    /// The sender's login (a comment's author, a label's sender).
    public var sender: String?
    /// What identifies this trigger across deliveries, e.g. `comment:123` or
    /// `labeled:dayshift:2026-01-01T00:00:00Z`; `nil` when there is none (a replay by an operator).
    public var triggerKey: String?

    public init(kind: Kind, sender: String?, triggerKey: String?) {
        self.kind = kind
        self.sender = sender
        self.triggerKey = triggerKey
    }

    /// True for the triggers whose sender's repository permission is checked before acting
    /// (label, assignment, mention and command).
    public var needsPermissionCheck: Bool {
        switch kind {
        case .label, .command, .mention, .assignment, .review: true
        case .opened, .closed, .installation: false
        }
    }
}
