import Foundation

/// A reaction held by ``GitHubEmulatorState``; rendered as GitHub's `reaction` JSON by
/// `POST /repos/{owner}/{repo}/issues/{issue_number}/reactions`.
public struct EmulatedReaction: Sendable, Codable, Equatable {
    /// The `content` values GitHub accepts.
    public static let validContents: Set<String> = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]

    /// Repository owner.
    public var owner: String
    /// Repository name.
    public var repo: String
    /// Number of the issue or pull request reacted to (for a comment's reaction: the comment's issue).
    public var issueNumber: Int
    /// The comment reacted to, for `POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions`;
    /// `nil` for a reaction on the issue itself.
    public var commentID: Int?
    /// Reaction id (`id`).
    public var id: Int
    /// GraphQL node id (`node_id`).
    public var nodeID: String
    /// One of ``validContents``.
    public var content: String
    /// Login of the reacting user (the emulator's authenticated user).
    public var userLogin: String
    /// `created_at`.
    public var createdAt: Date

    /// Creates a reaction record.
    public init(
        owner: String, repo: String, issueNumber: Int, id: Int, nodeID: String,
        content: String, userLogin: String, createdAt: Date, commentID: Int? = nil
    ) {
        self.commentID = commentID
        self.owner = owner
        self.repo = repo
        self.issueNumber = issueNumber
        self.id = id
        self.nodeID = nodeID
        self.content = content
        self.userLogin = userLogin
        self.createdAt = createdAt
    }
}
