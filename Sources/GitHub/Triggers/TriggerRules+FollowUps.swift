import DayshiftCore
import Foundation

// Follow-ups on Dayshift's own pull request (issue N's pull request has head `<branchPrefix>N`).
extension TriggerRules {
    /// The issue a pull request of Dayshift's works on: from its head branch `<branchPrefix>N`,
    /// else (a comment's payload names no head) from the `Fixes #N` line Dayshift writes first in
    /// the pull request's body. `nil` for any other pull request.
    public func issueNumber(headRef: String?, body: String?) -> Int? {
        if let headRef, headRef.hasPrefix(branchPrefix), let number = Int(headRef.dropFirst(branchPrefix.count)), number > 0 {
            return number
        }
        guard headRef == nil, let body, body.hasPrefix("Fixes #") else { return nil }
        let digits = body.dropFirst("Fixes #".count).prefix { $0.isNumber }
        return Int(digits).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The follow-up a delivery that ``decide(event:payload:openedIssuesEnabled:)`` answered with
    /// ``IssueCommand/followUp`` asks for, with the issue's number.
    public func followUp(event: String, payload: WebhookPayload) -> (issueNumber: Int, followUp: FollowUp)? {
        if event == "issue_comment", let issue = payload.issue, let comment = payload.comment,
           let number = issueNumber(headRef: nil, body: issue.body) {
            let feedback = FollowUp.Feedback(author: comment.user?.login ?? payload.sender?.login ?? "?", body: comment.body ?? "")
            return (number, FollowUp(pullRequest: issue.number, branch: "\(branchPrefix)\(number)", feedback: [feedback]))
        }
        guard let pull = payload.pullRequest, let number = issueNumber(headRef: pull.head?.ref, body: nil) else { return nil }
        let feedback: FollowUp.Feedback
        if event == "pull_request_review", let review = payload.review {
            feedback = FollowUp.Feedback(author: review.user?.login ?? payload.sender?.login ?? "?", body: review.body ?? "")
        } else if let comment = payload.comment {
            feedback = FollowUp.Feedback(author: comment.user?.login ?? payload.sender?.login ?? "?", body: comment.body ?? "",
                                         path: comment.path, line: comment.line)
        } else {
            return nil
        }
        return (number, FollowUp(pullRequest: pull.number, branch: "\(branchPrefix)\(number)", feedback: [feedback]))
    }

    /// `pull_request_review.submitted` (changes requested, or a body addressed to Dayshift) and
    /// `pull_request_review_comment.created` on an open pull request of Dayshift's, from an allowed
    /// association; anything else is ignored with the reason.
    func decidePullRequestFeedback(event: String, payload: WebhookPayload) -> TriggerDecision {
        let action = payload.action ?? ""
        guard let pull = payload.pullRequest, payload.repository != nil else { return .ignore("\(event).\(action) has no pull request") }
        guard let number = issueNumber(headRef: pull.head?.ref, body: nil) else {
            return .ignore("pull request #\(pull.number) is not Dayshift's (head \(pull.head?.ref.prefix(80) ?? "?"))")
        }
        guard pull.state != "closed" else { return .ignore("pull request #\(pull.number) is closed: the conversation has ended") }
        let author: WebhookPayload.Account?
        let association: String
        let key: String
        if event == "pull_request_review" {
            guard action == "submitted", let review = payload.review else { return .ignore("pull_request_review.\(action) does not trigger runs") }
            let state = (review.state ?? "").lowercased()
            guard state == "changes_requested" || addressedKind(review.body) != nil else {
                return .ignore("review \(state) neither requests changes nor is addressed to Dayshift")
            }
            if isOwnApp(review.user) { return .ignore("review by Dayshift's own App") }
            (author, association, key) = (review.user, (review.authorAssociation ?? "NONE").uppercased(), "review:\(review.id)")
        } else {
            guard action == "created", let comment = payload.comment else { return .ignore("pull_request_review_comment.\(action) does not trigger runs") }
            if isOwnApp(comment.user) || comment.performedViaGithubApp.map(isOwnApp) == true { return .ignore("review comment by Dayshift's own App") }
            (author, association, key) = (comment.user, (comment.authorAssociation ?? "NONE").uppercased(), "review-comment:\(comment.id)")
        }
        if let refusal = botRefusal(payload.sender, doing: event) ?? botRefusal(author, doing: event) { return refusal }
        guard allowedAssociations.contains(association) else { return .ignore("\(event) author association \(association) is not allowed") }
        let login = author?.login ?? payload.sender?.login
        return .act(.followUp, "\(event) on #\(pull.number) by \(login ?? "?") (\(association)): follow-up for #\(number)",
                    TriggerOrigin(kind: .review, sender: login, triggerKey: key))
    }

    /// A `/dayshift` or `@<slug>` comment on an open pull request of Dayshift's: a follow-up, or
    /// with the sub-command `cancel`, a cancel of the issue's run.
    func decidePullRequestComment(_ comment: WebhookPayload.Comment, issue: WebhookPayload.Issue, sender: WebhookPayload.Account?) -> TriggerDecision {
        guard addressedKind(comment.body) != nil else { return .ignore("#\(issue.number) is a pull request; \(notAddressed)") }
        guard let number = issueNumber(headRef: nil, body: issue.body) else {
            return .ignore("#\(issue.number) is a pull request Dayshift did not open")
        }
        guard issue.state != "closed" else { return .ignore("pull request #\(issue.number) is closed: the conversation has ended") }
        if comment.performedViaGithubApp != nil { return .ignore("comment made through an app (\(comment.user?.login ?? "?"))") }
        if let refusal = botRefusal(sender, doing: "comment") ?? botRefusal(comment.user, doing: "comment") { return refusal }
        let association = (comment.authorAssociation ?? "NONE").uppercased()
        guard allowedAssociations.contains(association) else { return .ignore("comment author association \(association) is not allowed") }
        let login = comment.user?.login ?? sender?.login
        // `/dayshift cancel` (or `@slug cancel`) on the pull request stops the issue's run.
        let words = (comment.body ?? "").split(whereSeparator: { $0.isWhitespace })
        if let kind = addressedKind(comment.body), words.dropFirst().first?.lowercased() == IssueCommand.cancel.rawValue {
            return .act(.cancel, "cancel on pull request #\(issue.number) by \(login ?? "?") (\(association)): for #\(number)",
                        TriggerOrigin(kind: kind, sender: login, triggerKey: "comment:\(comment.id)"))
        }
        return .act(.followUp, "comment on pull request #\(issue.number) by \(login ?? "?") (\(association)): follow-up for #\(number)",
                    TriggerOrigin(kind: .review, sender: login, triggerKey: "comment:\(comment.id)"))
    }
}
