/// What a trigger knew about the issue when it arrived; carried by the inbox message and frozen
/// into the run's context. `title` and `body` are untrusted text written by strangers.
public struct IssueSnapshot: Codable, Sendable, Equatable {
    /// `owner/name`, as the payload spelled it.
    public var repository: String
    /// The issue number, from 1.
    public var number: Int
    public var title: String
    public var body: String
    /// The payload's `repository.clone_url`.
    public var cloneURL: String?
    /// The payload's `repository.default_branch`.
    public var defaultBranch: String?
    /// Who asked, e.g. a label's sender or a comment's author.
    public var requestedBy: String?
    /// The GitHub App installation the delivery came through, if any.
    public var installationID: Int64?
    /// The payload's `repository.private`; `nil` when unknown (then treated as private).
    public var isPrivate: Bool?
    /// The id of the comment that asked (`comment.id` of an `issue_comment` trigger), so that
    /// Dayshift reacts on that comment; `nil` for a label or an opened issue (then the issue itself).
    public var triggerCommentID: Int64?
    /// Set when the trigger was feedback on Dayshift's pull request: the run works on that
    /// pull request's branch and answers there.
    public var followUp: FollowUp?

    /// Where this run talks to people (its tracking comment, answers, reactions without a trigger
    /// comment): the pull request of a follow-up, else the issue itself.
    public var conversationNumber: Int { followUp?.pullRequest ?? number }

    /// The issue object this issue belongs to; `nil` when ``repository`` is not `owner/name` or
    /// ``number`` is not positive.
    public var issueKey: IssueKey? { IssueKey(repository: repository, number: number) }

    public init(repository: String, number: Int, title: String, body: String, cloneURL: String?, defaultBranch: String?,
                requestedBy: String?, installationID: Int64?, isPrivate: Bool? = nil, triggerCommentID: Int64? = nil) {
        self.isPrivate = isPrivate
        self.triggerCommentID = triggerCommentID
        self.repository = repository
        self.number = number
        self.title = title
        self.body = body
        self.cloneURL = cloneURL
        self.defaultBranch = defaultBranch
        self.requestedBy = requestedBy
        self.installationID = installationID
    }
}
