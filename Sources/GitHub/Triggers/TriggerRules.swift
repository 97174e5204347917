import DayshiftCore

/// Decides whether a delivery asks an issue object to act, and why or why not. Pure: it reads the
/// payload only (intake answers at once and never calls GitHub); the sender's repository
/// permission is checked later, by the issue object, for the triggers that name a sender
/// (``DayshiftCore/TriggerOrigin/needsPermissionCheck``).
///
/// Rules (`../shared/reference/github.md` §7 for bots):
/// - Dayshift's own App never triggers: a sender, comment author or assignee-setter whose user id is
///   ``botUserID``, or a comment `performed_via_github_app` with id ``appID``. Recognised by ids,
///   never by text.
/// - Other bots (`sender.type == "Bot"`) trigger nothing unless their login is in ``allowedBots``.
/// - `issues.labeled` with ``label`` → fix.
/// - `issues.assigned` to the App's bot user (id ``botUserID``, else login `<appSlug>[bot]`) → fix.
/// - `issues.opened` → fix, when the repository enables it and the author's association is allowed.
/// - `issues.closed` → closed.
/// - `issue_comment.created` whose first word is ``command`` or `@<appSlug>` → fix (bare, `fix`,
///   or for a mention any text), `cancel` or `retry`; only from ``allowedAssociations`` (the fast
///   path: `NONE` and `CONTRIBUTOR` stop here). `issue_comment.edited` never triggers.
/// - Pull requests (issues with `pull_request`) and every other event are ignored.
public struct TriggerRules: Sendable {
    public var label: String
    public var command: String
    public var allowedAssociations: Set<String>
    /// The App's slug (`GET /app` → `slug`): `@<slug>` mentions and assignment to `<slug>[bot]`;
    /// `nil` or empty turns both off (unless ``botUserID`` is known for assignment).
    public var appSlug: String?
    /// The App's bot user's id (`GET /users/<slug>[bot]` → `id`); `nil` when unknown.
    public var botUserID: Int64?
    /// The App's id (`github.app_id`), as in `performed_via_github_app.id`; `nil` without an App.
    public var appID: Int64?
    /// Lowercased logins of bots allowed to trigger (e.g. `renovate[bot]`).
    public var allowedBots: Set<String>
    /// `git.branch_prefix`: Dayshift's pull request for issue N has head branch `<prefix>N`.
    public var branchPrefix = "dayshift/issue-"

    public init(label: String, command: String, allowedAssociations: some Sequence<String>, appSlug: String? = nil,
                botUserID: Int64? = nil, appID: Int64? = nil, allowedBots: some Sequence<String> = [String]()) {
        self.label = label
        self.command = command
        self.allowedAssociations = Set(allowedAssociations.map { $0.uppercased() })
        self.appSlug = appSlug.flatMap { $0.isEmpty ? nil : $0 }
        self.botUserID = botUserID
        self.appID = appID
        self.allowedBots = Set(allowedBots.map { $0.lowercased() })
    }

    /// The decision for one delivery.
    /// - Parameters:
    ///   - event: `X-GitHub-Event`.
    ///   - payload: the decoded body.
    ///   - openedIssuesEnabled: the repository's `on_open` setting.
    public func decide(event: String, payload: WebhookPayload, openedIssuesEnabled: Bool) -> TriggerDecision {
        let action = payload.action ?? ""
        if event == "pull_request_review" || event == "pull_request_review_comment" {
            if isOwnApp(payload.sender) { return .ignore("\(event).\(action) by Dayshift's own App") }
            return decidePullRequestFeedback(event: event, payload: payload)
        }
        guard event == "issues" || event == "issue_comment" else {
            return .ignore("event \(event) does not trigger runs")
        }
        guard let issue = payload.issue, payload.repository != nil else {
            return .ignore("\(event).\(action) has no issue or repository")
        }
        guard issue.number > 0 else { return .ignore("issue number \(issue.number) is not a real issue number") }
        if isOwnApp(payload.sender) || isOwnApp(payload.comment?.user) || payload.comment?.performedViaGithubApp.map(isOwnApp) == true {
            return .ignore("\(event).\(action) by Dayshift's own App")
        }
        if issue.pullRequest != nil {
            guard event == "issue_comment", action == "created", let comment = payload.comment else {
                return .ignore("#\(issue.number) is a pull request, not an issue")
            }
            return decidePullRequestComment(comment, issue: issue, sender: payload.sender)
        }
        if event == "issues" {
            return decideIssueEvent(action: action, payload: payload, issue: issue, openedIssuesEnabled: openedIssuesEnabled)
        }
        if action == "edited" { return .ignore("issue_comment.edited never triggers runs") }
        guard action == "created", let comment = payload.comment else {
            return .ignore("issue_comment.\(action) does not trigger runs")
        }
        return decideComment(comment, sender: payload.sender)
    }

    func isOwnApp(_ account: WebhookPayload.Account?) -> Bool {
        guard let botUserID, let id = account?.id else { return false }
        return id == botUserID
    }

    func isOwnApp(_ app: WebhookPayload.App) -> Bool {
        guard let appID, let id = app.id else { return false }
        return id == appID
    }

    /// The refusal for a bot sender not in ``allowedBots``; `nil` for people and allowed bots.
    func botRefusal(_ account: WebhookPayload.Account?, doing what: String) -> TriggerDecision? {
        guard let account, account.type == "Bot" else { return nil }
        if allowedBots.contains(account.login.lowercased()) { return nil }
        return .ignore("\(what) by a bot (\(account.login)) not in triggers.allowed_bots")
    }

    private func decideIssueEvent(action: String, payload: WebhookPayload, issue: WebhookPayload.Issue, openedIssuesEnabled: Bool) -> TriggerDecision {
        let sender = payload.sender?.login
        switch action {
        case "labeled":
            guard let name = payload.label?.name else { return .ignore("issues.labeled without a label") }
            guard name.caseInsensitiveCompare(label) == .orderedSame else {
                return .ignore("label \"\(name)\" is not the trigger label \"\(label)\"")
            }
            if let refusal = botRefusal(payload.sender, doing: "label added") { return refusal }
            // One label event: the label, who added it, and the issue's `updated_at` it stamped.
            let key = "labeled:\(name.lowercased()):\(payload.sender?.id.map(String.init) ?? sender ?? "?"):\(issue.updatedAt ?? "?")"
            return .act(.fix, "labeled \"\(name)\" by \(sender ?? "?")", TriggerOrigin(kind: .label, sender: sender, triggerKey: key))
        case "assigned":
            guard let assignee = payload.assignee, isAppBotUser(assignee) else {
                return .ignore("issues.assigned to \(payload.assignee?.login ?? "nobody"), not Dayshift's bot user")
            }
            if let refusal = botRefusal(payload.sender, doing: "assignment") { return refusal }
            let key = "assigned:\(payload.sender?.id.map(String.init) ?? sender ?? "?"):\(issue.updatedAt ?? "?")"
            return .act(.fix, "assigned to \(assignee.login) by \(sender ?? "?")", TriggerOrigin(kind: .assignment, sender: sender, triggerKey: key))
        case "opened":
            guard openedIssuesEnabled else { return .ignore("issues.opened: on_open is off for this repository") }
            if let refusal = botRefusal(payload.sender, doing: "issue opened") { return refusal }
            let association = (issue.authorAssociation ?? "NONE").uppercased()
            guard allowedAssociations.contains(association) else {
                return .ignore("issue author association \(association) is not allowed")
            }
            return .act(.fix, "opened by \(issue.user?.login ?? "?") (\(association))",
                        TriggerOrigin(kind: .opened, sender: issue.user?.login, triggerKey: "opened"))
        case "closed":
            return .act(.closed, "closed by \(sender ?? "?")", TriggerOrigin(kind: .closed, sender: sender, triggerKey: nil))
        default:
            return .ignore("issues.\(action) does not trigger runs")
        }
    }

    /// Whether `account` is the App's bot user: by id when ``botUserID`` is known, else by the
    /// login GitHub gives every App's bot, `<slug>[bot]`.
    private func isAppBotUser(_ account: WebhookPayload.Account) -> Bool {
        if let botUserID, let id = account.id { return id == botUserID }
        guard let appSlug else { return false }
        return account.login.caseInsensitiveCompare("\(appSlug)[bot]") == .orderedSame
    }

    /// `.command` or `.mention` when the text's first word is the command or `@<appSlug>`.
    func addressedKind(_ text: String?) -> TriggerOrigin.Kind? {
        guard let first = (text ?? "").split(whereSeparator: { $0.isWhitespace }).first else { return nil }
        if first.caseInsensitiveCompare(command) == .orderedSame { return .command }
        if let appSlug, ["@\(appSlug)", "@\(appSlug),", "@\(appSlug):"].contains(where: { first.caseInsensitiveCompare($0) == .orderedSame }) {
            return .mention
        }
        return nil
    }

    var notAddressed: String {
        appSlug == nil ? "comment does not start with \(command)" : "comment does not start with \(command) or @\(appSlug ?? "")"
    }

    private func decideComment(_ comment: WebhookPayload.Comment, sender: WebhookPayload.Account?) -> TriggerDecision {
        let words = (comment.body ?? "").split(whereSeparator: { $0.isWhitespace })
        guard let kind = addressedKind(comment.body) else { return .ignore(notAddressed) }
        if comment.performedViaGithubApp != nil {
            return .ignore("comment made through an app (\(comment.user?.login ?? sender?.login ?? "?"))")
        }
        if let refusal = botRefusal(sender, doing: "comment") ?? botRefusal(comment.user, doing: "comment") { return refusal }
        let association = (comment.authorAssociation ?? "NONE").uppercased()
        guard allowedAssociations.contains(association) else {
            return .ignore("comment author association \(association) is not allowed")
        }
        let sub = words.dropFirst().first.map { $0.lowercased() } ?? "fix"
        let command: IssueCommand
        if let named = IssueCommand(rawValue: sub), named != .closed, named != .followUp {
            command = named
        } else if kind == .mention {
            command = .fix  // "@dayshift please look at this" asks for a fix
        } else {
            return .ignore("unknown sub-command \"\(sub.prefix(40))\"")
        }
        let author = comment.user?.login ?? sender?.login
        let said = kind == .mention ? "@\(appSlug ?? "")" : self.command
        return .act(command, "\(said) \(command.rawValue) by \(author ?? "?") (\(association))",
                    TriggerOrigin(kind: kind, sender: author, triggerKey: "comment:\(comment.id)"))
    }
}

/// The outcome of ``TriggerRules/decide(event:payload:openedIssuesEnabled:)``.
public enum TriggerDecision: Sendable, Equatable {
    /// Send `command` to the issue object; the string says why (stored with the delivery); the
    /// origin says who asked and how (stored with the message).
    case act(IssueCommand, String, TriggerOrigin)
    /// Do nothing; the string says why (stored with the delivery).
    case ignore(String)

    public var reason: String {
        switch self {
        case .act(_, let reason, _), .ignore(let reason): reason
        }
    }
}
