import DayshiftCore

/// Decides whether a delivery asks an issue object to act, and why or why not.
///
/// Rules (`../shared/reference/github.md` §7 for the bot rule):
/// - `issues.labeled` with ``label`` → fix.
/// - `issues.opened` → fix, when the repository enables it and the author's association is allowed.
/// - `issues.closed` → closed.
/// - `issue_comment.created` whose body's first word is ``command`` → fix (bare, or `fix`), `cancel`
///   or `retry`; only from ``allowedAssociations``; never from a `Bot` sender or an app.
/// - Pull requests (issues with `pull_request`) and every other event are ignored.
public struct TriggerRules: Sendable {
    public var label: String
    public var command: String
    public var allowedAssociations: Set<String>

    public init(label: String, command: String, allowedAssociations: some Sequence<String>) {
        self.label = label
        self.command = command
        self.allowedAssociations = Set(allowedAssociations.map { $0.uppercased() })
    }

    /// The decision for one delivery.
    /// - Parameters:
    ///   - event: `X-GitHub-Event`.
    ///   - payload: the decoded body.
    ///   - openedIssuesEnabled: the repository's `on_open` setting.
    public func decide(event: String, payload: WebhookPayload, openedIssuesEnabled: Bool) -> TriggerDecision {
        let action = payload.action ?? ""
        guard event == "issues" || event == "issue_comment" else {
            return .ignore("event \(event) does not trigger runs")
        }
        guard let issue = payload.issue, payload.repository != nil else {
            return .ignore("\(event).\(action) has no issue or repository")
        }
        guard issue.number > 0 else { return .ignore("issue number \(issue.number) is not a real issue number") }
        if issue.pullRequest != nil {
            return .ignore("#\(issue.number) is a pull request, not an issue")
        }
        if event == "issues" {
            return decideIssueEvent(action: action, payload: payload, issue: issue, openedIssuesEnabled: openedIssuesEnabled)
        }
        guard action == "created", let comment = payload.comment else {
            return .ignore("issue_comment.\(action) does not trigger runs")
        }
        return decideComment(comment, sender: payload.sender)
    }

    private func decideIssueEvent(action: String, payload: WebhookPayload, issue: WebhookPayload.Issue, openedIssuesEnabled: Bool) -> TriggerDecision {
        switch action {
        case "labeled":
            guard let name = payload.label?.name else { return .ignore("issues.labeled without a label") }
            guard name.caseInsensitiveCompare(label) == .orderedSame else {
                return .ignore("label \"\(name)\" is not the trigger label \"\(label)\"")
            }
            if payload.sender?.type == "Bot" { return .ignore("label added by a bot (\(payload.sender?.login ?? "?"))") }
            return .act(.fix, "labeled \"\(name)\" by \(payload.sender?.login ?? "?")")
        case "opened":
            guard openedIssuesEnabled else { return .ignore("issues.opened: on_open is off for this repository") }
            if payload.sender?.type == "Bot" { return .ignore("issue opened by a bot") }
            let association = (issue.authorAssociation ?? "NONE").uppercased()
            guard allowedAssociations.contains(association) else {
                return .ignore("issue author association \(association) is not allowed")
            }
            return .act(.fix, "opened by \(issue.user?.login ?? "?") (\(association))")
        case "closed":
            return .act(.closed, "closed by \(payload.sender?.login ?? "?")")
        default:
            return .ignore("issues.\(action) does not trigger runs")
        }
    }

    private func decideComment(_ comment: WebhookPayload.Comment, sender: WebhookPayload.Account?) -> TriggerDecision {
        let words = (comment.body ?? "").split(whereSeparator: { $0.isWhitespace })
        guard let first = words.first, first.caseInsensitiveCompare(command) == .orderedSame else {
            return .ignore("comment does not start with \(command)")
        }
        if sender?.type == "Bot" || comment.user?.type == "Bot" || comment.performedViaGithubApp != nil {
            return .ignore("comment by a bot or app (\(comment.user?.login ?? sender?.login ?? "?"))")
        }
        let association = (comment.authorAssociation ?? "NONE").uppercased()
        guard allowedAssociations.contains(association) else {
            return .ignore("comment author association \(association) is not allowed")
        }
        let sub = words.dropFirst().first.map { $0.lowercased() } ?? "fix"
        guard let command = IssueCommand(rawValue: sub), command != .closed else {
            return .ignore("unknown sub-command \"\(sub.prefix(40))\"")
        }
        return .act(command, "\(self.command) \(command.rawValue) by \(comment.user?.login ?? "?") (\(association))")
    }
}

/// The outcome of ``TriggerRules/decide(event:payload:openedIssuesEnabled:)``.
public enum TriggerDecision: Sendable, Equatable {
    /// Send `command` to the issue object; the string says why (stored with the delivery).
    case act(IssueCommand, String)
    /// Do nothing; the string says why (stored with the delivery).
    case ignore(String)

    public var reason: String {
        switch self {
        case .act(_, let reason), .ignore(let reason): reason
        }
    }
}
