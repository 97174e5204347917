import Foundation

/// One version of a comment's body as people saw it: the body it was created with, then one per
/// `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}` that changed it. Not a GitHub
/// resource (GitHub's web page shows edits, its REST API does not): the emulator keeps it so tests
/// can assert what a person would have seen, through ``GitHubEmulatorState/commentHistory(owner:repo:id:)``
/// or `GET /_emulator/repos/{owner}/{repo}/issues/comments/{comment_id}/history`.
public struct EmulatedCommentRevision: Sendable, Codable, Equatable {
    /// The body from this version on.
    public var body: String
    /// When it was written (`created_at` for the first, `updated_at` for the others).
    public var at: Date

    /// Creates a revision.
    public init(body: String, at: Date) {
        self.body = body
        self.at = at
    }
}
