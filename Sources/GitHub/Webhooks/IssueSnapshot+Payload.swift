import DayshiftCore

extension IssueSnapshot {
    /// The snapshot a webhook payload describes; `nil` without an issue or repository.
    public init?(payload: WebhookPayload) {
        guard let issue = payload.issue, let repository = payload.repository else { return nil }
        self.init(repository: repository.fullName, number: issue.number, title: issue.title, body: issue.body ?? "",
                  cloneURL: repository.cloneUrl, defaultBranch: repository.defaultBranch,
                  requestedBy: payload.comment?.user?.login ?? payload.sender?.login, installationID: payload.installation?.id,
                  isPrivate: repository.isPrivate, triggerCommentID: payload.comment?.id)
    }
}
