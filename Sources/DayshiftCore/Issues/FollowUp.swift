/// A follow-up on Dayshift's pull request: people's review feedback that asks the next run
/// to work on the pull request's branch, commit on top of it and update the same pull request.
/// Every text in it is untrusted (written by whoever commented).
public struct FollowUp: Codable, Sendable, Equatable {
    /// One piece of feedback: a review's body, a review comment on a file and line, or a comment on
    /// the pull request.
    public struct Feedback: Codable, Sendable, Equatable {
        public var author: String
        public var body: String
        /// The file a review comment is on, relative to the repository root.
        public var path: String?
        /// The line (in the pull request's new version) a review comment is on.
        public var line: Int?

        public init(author: String, body: String, path: String? = nil, line: Int? = nil) {
            self.author = author
            self.body = body
            self.path = path
            self.line = line
        }
    }

    /// The pull request's number.
    public var pullRequest: Int
    /// Its head branch, which the follow-up clones and commits on.
    public var branch: String
    public var feedback: [Feedback]

    public init(pullRequest: Int, branch: String, feedback: [Feedback]) {
        self.pullRequest = pullRequest
        self.branch = branch
        self.feedback = feedback
    }
}
