import DayshiftCore
import Emulators
import Foundation
import GitHub
import Testing

@Suite("Trigger rules")
struct TriggerRulesTests {
    let rules = TriggerRules(label: "dayshift", command: "/dayshift", allowedAssociations: ["OWNER", "MEMBER", "COLLABORATOR"])
    let builder = WebhookPayloadBuilder(owner: "octo", repo: "hello", cloneURL: "https://github.com/octo/hello.git")

    func decide(_ delivery: WebhookDelivery, onOpen: Bool = false) throws -> TriggerDecision {
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: delivery.body)
        return rules.decide(event: delivery.event, payload: payload, openedIssuesEnabled: onOpen)
    }

    @Test("the trigger label starts a fix; another label does not")
    func labels() throws {
        #expect(try decide(builder.issueLabeled(number: 1, title: "t", body: "")).command == .fix)
        #expect(try decide(builder.issueLabeled(number: 1, title: "t", body: "", label: "bug")).command == nil)
        #expect(try decide(builder.issueLabeled(number: 1, title: "t", body: "", label: "DaySHIFT")).command == .fix)
    }

    @Test("comment commands map to fix, cancel and retry", arguments: [
        ("/dayshift", IssueCommand.fix), ("/dayshift fix", .fix), ("/dayshift cancel", .cancel), ("/dayshift retry", .retry),
        ("/dayshift   retry\nplease", .retry),
    ])
    func commands(comment: String, command: IssueCommand) throws {
        #expect(try decide(builder.commentCreated(number: 2, title: "t", comment: comment)).command == command)
    }

    @Test("comments that are not commands, or come from the wrong people, are ignored with a reason", arguments: [
        ("please /dayshift", "OWNER", "User"), ("/dayshift", "NONE", "User"), ("/dayshift", "CONTRIBUTOR", "User"),
        ("/dayshift", "OWNER", "Bot"), ("/dayshift explode", "OWNER", "User"), ("/dayshiftx", "OWNER", "User"),
    ])
    func ignoredComments(comment: String, association: String, type: String) throws {
        let decision = try decide(builder.commentCreated(number: 2, title: "t", comment: comment, association: association, authorType: type))
        #expect(decision.command == nil)
        #expect(!decision.reason.isEmpty)
    }

    @Test("issues.opened starts a fix only when the repository enables it and the author is allowed")
    func opened() throws {
        #expect(try decide(builder.issueOpened(number: 3, title: "t", body: "")).command == nil)
        #expect(try decide(builder.issueOpened(number: 3, title: "t", body: ""), onOpen: true).command == .fix)
        #expect(try decide(builder.issueOpened(number: 3, title: "t", body: "", association: "NONE"), onOpen: true).command == nil)
    }

    @Test("issue numbers that cannot exist are ignored")
    func impossibleNumbers() throws {
        #expect(try decide(builder.issueLabeled(number: 0, title: "t", body: "")).command == nil)
        #expect(try decide(builder.issueLabeled(number: -3, title: "t", body: "")).command == nil)
    }

    /// Rules that know the App: slug `dayshift`, bot user 9000001, App id 4242, one allowed bot.
    let appRules = TriggerRules(label: "dayshift", command: "/dayshift", allowedAssociations: ["OWNER", "MEMBER", "COLLABORATOR"],
                                appSlug: "dayshift", botUserID: 9_000_001, appID: 4242, allowedBots: ["Renovate[bot]"])

    func decideWithApp(_ delivery: WebhookDelivery) throws -> TriggerDecision {
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: delivery.body)
        return appRules.decide(event: delivery.event, payload: payload, openedIssuesEnabled: false)
    }

    @Test("an @mention of the App at the start of a comment asks for a fix (or the named sub-command); elsewhere it does not")
    func mentions() throws {
        let plain = try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "@dayshift please fix the sum"))
        #expect(plain.command == .fix)
        #expect(plain.origin?.kind == .mention)
        #expect(plain.origin?.sender == "octocat")
        #expect(try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "@Dayshift cancel")).command == .cancel)
        #expect(try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "thanks @dayshift")).command == nil)
        #expect(try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "@dayshiftbot fix")).command == nil)
        // Without a slug, mentions are off.
        #expect(try decide(builder.commentCreated(number: 2, title: "t", comment: "@dayshift fix")).command == nil)
    }

    @Test("assigning the issue to the App's bot user asks for a fix; assigning a person does not")
    func assignment() throws {
        let assigned = try decideWithApp(builder.issueAssigned(number: 4, title: "t", assignee: "dayshift[bot]", assigneeID: 9_000_001))
        #expect(assigned.command == .fix)
        #expect(assigned.origin?.kind == .assignment)
        #expect(try decideWithApp(builder.issueAssigned(number: 4, title: "t", assignee: "monalisa", assigneeID: 77)).command == nil)
        // A bot with the App's login but another id is not the App.
        #expect(try decideWithApp(builder.issueAssigned(number: 4, title: "t", assignee: "dayshift[bot]", assigneeID: 5)).command == nil)
    }

    @Test("an edited comment never triggers, whatever it says")
    func editedComments() throws {
        let edited = try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "/dayshift", action: "edited"))
        #expect(edited.command == nil)
        #expect(edited.reason.contains("edited"))
    }

    @Test("Dayshift's own App is recognised by its bot user id or App id, even when its text quotes the command")
    func ownAppNeverTriggers() throws {
        let byBotUser = try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "/dayshift fix", author: "dayshift[bot]",
                                                                 authorType: "Bot", authorID: 9_000_001))
        #expect(byBotUser.command == nil)
        #expect(byBotUser.reason.contains("own App"))
        // Same id under another login (a renamed App) is still the App.
        let renamed = try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "/dayshift", author: "octocat", authorID: 9_000_001))
        #expect(renamed.command == nil)
        let viaApp = try decideWithApp(builder.commentCreated(number: 2, title: "t", comment: "/dayshift", viaApp: 4242))
        #expect(viaApp.command == nil)
        #expect(viaApp.reason.contains("own App"))
    }

    @Test("other bots trigger only when listed in triggers.allowed_bots")
    func bots() throws {
        let stranger = try decideWithApp(builder.issueLabeled(number: 1, title: "t", body: "", sender: "other[bot]", senderType: "Bot"))
        #expect(stranger.command == nil)
        #expect(stranger.reason.contains("allowed_bots"))
        #expect(try decideWithApp(builder.issueLabeled(number: 1, title: "t", body: "", sender: "renovate[bot]", senderType: "Bot")).command == .fix)
    }

    @Test("a trigger's key names the comment or the label event, so a repeat under a new GUID is known")
    func triggerKeys() throws {
        let comment = builder.commentCreated(number: 2, title: "t", comment: "/dayshift")
        let payload = try JSONSerialization.jsonObject(with: comment.body) as? [String: Any]
        let id = try #require((payload?["comment"] as? [String: Any])?["id"] as? Int)
        #expect(try decideWithApp(comment).origin?.triggerKey == "comment:\(id)")
        let label = builder.issueLabeled(number: 1, title: "t", body: "")
        let key = try #require(try decideWithApp(label).origin?.triggerKey)
        #expect(key.hasPrefix("labeled:dayshift:"))
        #expect(try decideWithApp(WebhookDelivery(event: label.event, body: label.body)).origin?.triggerKey == key)
    }

    @Test("issues.closed asks the issue object to stop")
    func closed() throws {
        #expect(try decide(builder.issueClosed(number: 3, title: "t")).command == .closed)
    }
}

extension TriggerDecision {
    var command: IssueCommand? {
        if case .act(let command, _, _) = self { return command }
        return nil
    }

    var origin: TriggerOrigin? {
        if case .act(_, _, let origin) = self { return origin }
        return nil
    }
}

@Suite("Trigger rules: follow-ups on the pull request")
struct FollowUpTriggerRulesTests {
    let rules = TriggerRules(label: "dayshift", command: "/dayshift", allowedAssociations: ["OWNER", "MEMBER", "COLLABORATOR"],
                             appSlug: "dayshift", botUserID: 9_000_001, appID: 4242)
    let builder = WebhookPayloadBuilder(owner: "octo", repo: "hello", cloneURL: "https://github.com/octo/hello.git")

    func decide(_ delivery: WebhookDelivery) throws -> TriggerDecision {
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: delivery.body)
        return rules.decide(event: delivery.event, payload: payload, openedIssuesEnabled: false)
    }

    @Test("reviews asking for changes or addressed to Dayshift follow up; an approval or a plain comment review does not")
    func reviews() throws {
        let changes = try decide(builder.pullRequestReview(pullNumber: 8, headRef: "dayshift/issue-7", state: "changes_requested", body: nil))
        #expect(changes.command == .followUp)
        #expect(changes.origin?.kind == .review)
        #expect(changes.origin?.triggerKey?.hasPrefix("review:") == true)
        #expect(try decide(builder.pullRequestReview(pullNumber: 8, headRef: "dayshift/issue-7", state: "commented", body: "@dayshift use a loop")).command == .followUp)
        #expect(try decide(builder.pullRequestReview(pullNumber: 8, headRef: "dayshift/issue-7", state: "approved", body: "LGTM")).command == nil)
        #expect(try decide(builder.pullRequestReview(pullNumber: 8, headRef: "dayshift/issue-7", state: "commented", body: "nice")).command == nil)
    }

    @Test("feedback on someone else's pull request, on a closed one, or from a NONE author starts nothing")
    func refusals() throws {
        let foreign = try decide(builder.pullRequestReview(pullNumber: 8, headRef: "feature/x", state: "changes_requested", body: "x"))
        #expect(foreign.command == nil)
        #expect(foreign.reason.contains("not Dayshift's"))
        let closed = try decide(builder.pullRequestReviewComment(pullNumber: 8, headRef: "dayshift/issue-7", body: "x", path: "a.py", line: 1,
                                                                 pullState: "closed"))
        #expect(closed.command == nil)
        #expect(closed.reason.contains("closed"))
        let stranger = try decide(builder.pullRequestReviewComment(pullNumber: 8, headRef: "dayshift/issue-7", body: "x", path: "a.py", line: 1,
                                                                   author: "someone", association: "NONE"))
        #expect(stranger.command == nil)
        #expect(stranger.reason.contains("NONE"))
    }

    /// `issue_comment.created` on pull request 8, which Dayshift opened for issue 7.
    func pullRequestComment(_ text: String) throws -> WebhookPayload {
        let delivery = builder.commentCreated(number: 8, title: "Fix #7", body: "Fixes #7\n\nChange made by Dayshift.", comment: text)
        var json = try #require(try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any])
        var issue = try #require(json["issue"] as? [String: Any])
        issue["pull_request"] = ["url": "https://api.github.com/repos/octo/hello/pulls/8"]
        json["issue"] = issue
        return try JSONDecoder().decode(WebhookPayload.self, from: JSONSerialization.data(withJSONObject: json))
    }

    @Test("on the pull request, /dayshift cancel and @slug cancel cancel the issue's run; other addressed comments follow up")
    func cancelOnPullRequest() throws {
        for text in ["/dayshift cancel", "@dayshift cancel"] {
            let decision = rules.decide(event: "issue_comment", payload: try pullRequestComment(text), openedIssuesEnabled: false)
            #expect(decision.command == .cancel, "\(text): \(decision.reason)")
            #expect(decision.reason.contains("for #7"), "\(decision.reason)")
        }
        let followUp = rules.decide(event: "issue_comment", payload: try pullRequestComment("/dayshift use a loop"), openedIssuesEnabled: false)
        #expect(followUp.command == .followUp)
        #expect(rules.decide(event: "issue_comment", payload: try pullRequestComment("please cancel"), openedIssuesEnabled: false).command == nil)
    }

    @Test("a follow-up names the issue by the branch, with the review comment's file and line")
    func followUpContent() throws {
        let delivery = builder.pullRequestReviewComment(pullNumber: 8, headRef: "dayshift/issue-7", body: "rename", path: "calc.py", line: 12)
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: delivery.body)
        let (number, followUp) = try #require(rules.followUp(event: delivery.event, payload: payload))
        #expect(number == 7)
        #expect(followUp.pullRequest == 8)
        #expect(followUp.branch == "dayshift/issue-7")
        #expect(followUp.feedback == [FollowUp.Feedback(author: "octocat", body: "rename", path: "calc.py", line: 12)])
        #expect(rules.issueNumber(headRef: nil, body: "Fixes #12\n\nmore") == 12)
        #expect(rules.issueNumber(headRef: nil, body: "See Fixes #12") == nil)
    }
}
