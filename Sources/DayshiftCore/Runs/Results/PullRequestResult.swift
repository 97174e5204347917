/// The pull request step's output: the pull request a run opened or updated.
public struct PullRequestResult: Codable, Sendable, Equatable {
    public var number: Int
    /// The pull request's `html_url`.
    public var url: String
    /// The head branch.
    public var head: String
    public var draft: Bool
    /// True when an existing pull request was found and updated instead of opening another.
    public var updated: Bool

    public init(number: Int, url: String, head: String, draft: Bool, updated: Bool) {
        self.number = number
        self.url = url
        self.head = head
        self.draft = draft
        self.updated = updated
    }
}
