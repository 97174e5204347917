import Foundation

/// The fields of a webhook body that Dayshift reads, for the events it handles (`issues`,
/// `issue_comment`, `installation`, `installation_repositories`). Every other field is ignored, and most are optional, because GitHub adds
/// fields over time and examples differ (`../shared/reference/github.md` §1.2).
public struct WebhookPayload: Decodable, Sendable {
    public var action: String?
    public var issue: Issue?
    public var comment: Comment?
    public var label: Label?
    public var repository: Repository?
    public var sender: Account?
    public var installation: Installation?
    /// `issues.assigned` / `unassigned`: who was assigned.
    public var assignee: Account?
    /// `installation_repositories`: the repositories removed from (or added to) the installation.
    public var repositoriesRemoved: [RepositoryReference]?
    public var repositoriesAdded: [RepositoryReference]?

    /// `pull_request_review` / `pull_request_review_comment`: the pull request.
    public var pullRequest: PullRequest?
    /// `pull_request_review`: the review.
    public var review: Review?

    enum CodingKeys: String, CodingKey {
        case action, issue, comment, label, repository, sender, installation, assignee, review
        case repositoriesRemoved = "repositories_removed", repositoriesAdded = "repositories_added", pullRequest = "pull_request"
    }

    /// The fields of `pull_request` a follow-up reads.
    public struct PullRequest: Decodable, Sendable {
        public var number: Int
        public var title: String?
        public var body: String?
        /// `open` or `closed` (merged pull requests are closed too).
        public var state: String?
        public var head: Ref?

        public struct Ref: Decodable, Sendable {
            public var ref: String
        }
    }

    /// The fields of `review` a follow-up reads.
    public struct Review: Decodable, Sendable {
        public var id: Int64
        public var body: String?
        /// `commented`, `changes_requested` or `approved` (lowercase in webhooks).
        public var state: String?
        public var user: Account?
        public var authorAssociation: String?

        enum CodingKeys: String, CodingKey { case id, body, state, user, authorAssociation = "author_association" }
    }

    /// An entry of `repositories_added` / `repositories_removed`.
    public struct RepositoryReference: Decodable, Sendable {
        public var fullName: String
        enum CodingKeys: String, CodingKey { case fullName = "full_name" }
    }

    public struct Issue: Decodable, Sendable {
        public var number: Int
        public var title: String
        public var body: String?
        public var user: Account?
        /// `OWNER`, `MEMBER`, `COLLABORATOR`, `CONTRIBUTOR`, `NONE`, …
        public var authorAssociation: String?
        /// Present only when the issue is a pull request.
        public var pullRequest: PullRequestLink?
        public var htmlUrl: String?
        /// ISO 8601; part of a label event's identity (one label event, one `updated_at`).
        public var updatedAt: String?
        /// `open` or `closed`.
        public var state: String?

        enum CodingKeys: String, CodingKey {
            case number, title, body, user, authorAssociation = "author_association", pullRequest = "pull_request", htmlUrl = "html_url"
            case updatedAt = "updated_at", state
        }
    }

    public struct PullRequestLink: Decodable, Sendable {
        public var url: String?
    }

    public struct Comment: Decodable, Sendable {
        public var id: Int64
        public var body: String?
        public var user: Account?
        public var authorAssociation: String?
        public var performedViaGithubApp: App?
        /// A review comment's file and line.
        public var path: String?
        public var line: Int?

        enum CodingKeys: String, CodingKey {
            case id, body, user, authorAssociation = "author_association", performedViaGithubApp = "performed_via_github_app", path, line
        }
    }

    public struct App: Decodable, Sendable {
        public var id: Int64?
        public var slug: String?
    }

    public struct Label: Decodable, Sendable {
        public var name: String
    }

    public struct Repository: Decodable, Sendable {
        public var name: String
        public var fullName: String
        public var owner: Account
        public var cloneUrl: String?
        public var defaultBranch: String?
        /// `true` for a private (or internal) repository; the clone then needs a token.
        public var isPrivate: Bool?

        enum CodingKeys: String, CodingKey {
            case name, fullName = "full_name", owner, cloneUrl = "clone_url", defaultBranch = "default_branch", isPrivate = "private"
        }
    }

    public struct Account: Decodable, Sendable {
        public var login: String
        /// The account's numeric id (a GitHub App's bot user has its own).
        public var id: Int64?
        /// `User`, `Bot` or `Organization`.
        public var type: String?
    }

    public struct Installation: Decodable, Sendable {
        public var id: Int64
    }
}
