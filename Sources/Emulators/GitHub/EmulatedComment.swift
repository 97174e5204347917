import Foundation

/// An issue (or pull request) comment held by ``GitHubEmulatorState``; rendered as GitHub's
/// `issue-comment` JSON by `POST|GET /repos/{owner}/{repo}/issues/{issue_number}/comments` and
/// `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`.
public struct EmulatedComment: Sendable, Codable, Equatable {
    /// Repository owner.
    public var owner: String
    /// Repository name.
    public var repo: String
    /// Number of the issue or pull request the comment is on.
    public var issueNumber: Int
    /// Comment id (`id`; also the `{comment_id}` path parameter).
    public var id: Int
    /// GraphQL node id (`node_id`).
    public var nodeID: String
    /// Markdown body.
    public var body: String
    /// Login of the author (the emulator's authenticated user).
    public var userLogin: String
    /// `created_at`.
    public var createdAt: Date
    /// `updated_at`; changes on PATCH.
    public var updatedAt: Date

    /// Creates a comment record.
    public init(
        owner: String, repo: String, issueNumber: Int, id: Int, nodeID: String,
        body: String, userLogin: String, createdAt: Date, updatedAt: Date
    ) {
        self.owner = owner
        self.repo = repo
        self.issueNumber = issueNumber
        self.id = id
        self.nodeID = nodeID
        self.body = body
        self.userLogin = userLogin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
