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

    @Test("issues.closed asks the issue object to stop")
    func closed() throws {
        #expect(try decide(builder.issueClosed(number: 3, title: "t")).command == .closed)
    }
}

extension TriggerDecision {
    var command: IssueCommand? {
        if case .act(let command, _) = self { return command }
        return nil
    }
}
