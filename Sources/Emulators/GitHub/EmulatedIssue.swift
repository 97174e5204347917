import Foundation

/// An issue seeded into ``GitHubEmulatorState`` with `seedIssue(...)`; rendered as GitHub's
/// `issue` JSON by `GET /repos/{owner}/{repo}/issues/{issue_number}`.
public struct EmulatedIssue: Sendable, Codable, Equatable {
    /// Repository owner.
    public var owner: String
    /// Repository name.
    public var repo: String
    /// Issue number.
    public var number: Int
    /// Numeric id (`id`).
    public var id: Int
    /// GraphQL node id (`node_id`).
    public var nodeID: String
    /// Title.
    public var title: String
    /// Markdown body, nil renders as JSON `null`.
    public var body: String?
    /// `"open"` or `"closed"`.
    public var state: String
    /// Login of the issue author.
    public var userLogin: String
    /// `created_at` / `updated_at`.
    public var createdAt: Date

    /// Creates an issue record.
    public init(
        owner: String, repo: String, number: Int, id: Int, nodeID: String,
        title: String, body: String?, state: String = "open", userLogin: String, createdAt: Date
    ) {
        self.owner = owner
        self.repo = repo
        self.number = number
        self.id = id
        self.nodeID = nodeID
        self.title = title
        self.body = body
        self.state = state
        self.userLogin = userLogin
        self.createdAt = createdAt
    }
}
