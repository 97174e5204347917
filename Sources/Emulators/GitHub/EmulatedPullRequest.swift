import Foundation

/// A pull request held by ``GitHubEmulatorState``; the emulator renders it as GitHub's
/// `pull-request` / `pull-request-simple` JSON (`POST|GET|PATCH /repos/{owner}/{repo}/pulls…`).
public struct EmulatedPullRequest: Sendable, Codable, Equatable {
    /// Repository owner (login) the pull request lives in.
    public var owner: String
    /// Repository name.
    public var repo: String
    /// Pull request number; shares the repository's issue-number sequence.
    public var number: Int
    /// Numeric database id (`id` in JSON).
    public var id: Int
    /// GraphQL node id (`node_id` in JSON).
    public var nodeID: String
    /// Title.
    public var title: String
    /// Markdown body; nil renders as JSON `null`.
    public var body: String?
    /// `"open"` or `"closed"`.
    public var state: String
    /// Whether it was opened as a draft.
    public var draft: Bool
    /// `maintainer_can_modify`.
    public var maintainerCanModify: Bool
    /// Head branch name without owner, e.g. `dayshift/issue-7` (`head.ref`).
    public var headRef: String
    /// `owner:branch` (`head.label`); the key GitHub uses for "a pull request already exists".
    public var headLabel: String
    /// Fake but stable 40-hex commit id of the head (`head.sha`).
    public var headSHA: String
    /// Base branch name (`base.ref`).
    public var baseRef: String
    /// Login of the author (the emulator's authenticated user).
    public var userLogin: String
    /// Creation time (`created_at`).
    public var createdAt: Date
    /// Last update time (`updated_at`).
    public var updatedAt: Date
    /// Close time (`closed_at`), nil while open.
    public var closedAt: Date?
    /// True once closed as merged (``GitHubEmulatorState/closePullRequest(owner:repo:number:merged:)``).
    public var merged: Bool

    /// Creates a pull request record.
    public init(
        owner: String, repo: String, number: Int, id: Int, nodeID: String,
        title: String, body: String?, state: String, draft: Bool, maintainerCanModify: Bool,
        headRef: String, headLabel: String, headSHA: String, baseRef: String, userLogin: String,
        createdAt: Date, updatedAt: Date, closedAt: Date? = nil, merged: Bool = false
    ) {
        self.owner = owner
        self.repo = repo
        self.number = number
        self.id = id
        self.nodeID = nodeID
        self.title = title
        self.body = body
        self.state = state
        self.draft = draft
        self.maintainerCanModify = maintainerCanModify
        self.headRef = headRef
        self.headLabel = headLabel
        self.headSHA = headSHA
        self.baseRef = baseRef
        self.userLogin = userLogin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.closedAt = closedAt
        self.merged = merged
    }
}
