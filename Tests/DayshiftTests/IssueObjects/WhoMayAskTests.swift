import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import Store
import Testing

/// Who may ask, end to end: signed deliveries over loopback HTTP, the GitHub emulator answering
/// the collaborator-permission endpoint, a real SQLite file and real local-sandbox runs.
@Suite("Who may ask", .serialized)
struct WhoMayAskTests {
    /// The emulator's App bot user id (`GitHubEmulatorState.userID`).
    static let botUserID: Int64 = 9_000_001

    /// Dayshift knows its App: slug `dayshift`, its bot user's id.
    static func knowTheApp(_ configuration: inout DayshiftConfiguration) {
        configuration.github.appSlug = "dayshift"
        configuration.github.botUserID = botUserID
    }

    /// The stored decision of a delivery.
    func decision(_ harness: EndToEndHarness, _ delivery: WebhookDelivery) async throws -> DeliveryDecision {
        try #require(try await harness.store.delivery(guid: delivery.guid)).decision
    }

    @Test("the App's own comment quoting /dayshift, an author_association NONE comment, a read-only user's label, an edited comment and a replayed trigger each start nothing")
    func nothingStarts() async throws {
        try await EndToEndHarness.with(configure: Self.knowTheApp) { harness in
            try await harness.startServer()
            await harness.emulator.state.setCollaboratorRole(owner: EndToEndHarness.owner, repo: EndToEndHarness.repo, login: "reader", role: "read")
            let payloads = harness.payloads

            let own = payloads.commentCreated(number: 31, title: "t", comment: "> /dayshift\nStarted a run.", author: "dayshift[bot]",
                                              association: "NONE", authorType: "Bot", authorID: Int(Self.botUserID))
            let stranger = payloads.commentCreated(number: 32, title: "t", comment: "/dayshift", author: "stranger", association: "NONE")
            let readOnlyLabel = payloads.issueLabeled(number: 33, title: "t", body: "", sender: "reader")
            let edited = payloads.commentCreated(number: 34, title: "t", comment: "/dayshift", action: "edited")
            for delivery in [own, stranger, readOnlyLabel, edited] {
                #expect(try await harness.send(delivery) == 202)
            }
            #expect(try await decision(harness, own).reason.contains("own App"))
            #expect(try await decision(harness, stranger).reason.contains("NONE"))
            #expect(try await decision(harness, edited).reason.contains("edited"))
            // The label passes intake (no GitHub call there); the issue object checks the sender's role.
            let store = try harness.store
            try await harness.waitUntil("the read-only user's label to be handled") {
                try await store.messages(issueKey: harness.issueKey(33)).first?.handledAt != nil
            }
            let outcome = try #require(try await store.messages(issueKey: harness.issueKey(33)).first?.outcome)
            #expect(outcome.contains("reader has read permission"))

            // A trigger acted on once, then the same comment again under a new delivery GUID.
            let trigger = payloads.commentCreated(number: 35, title: "add() subtracts", comment: "/dayshift")
            try await harness.send(trigger)
            _ = try await harness.waitForFinishedRun(35)
            let replayed = WebhookDelivery(event: trigger.event, body: trigger.body)
            #expect(replayed.guid != trigger.guid)
            #expect(try await harness.send(replayed) == 202)
            let repeated = try await decision(harness, replayed)
            #expect(!repeated.isActed)
            #expect(repeated.reason.contains("repeats trigger comment:"))

            for number in 31...34 { #expect(try await store.runs(issueKey: harness.issueKey(number)).isEmpty) }
            #expect(try await store.runs(issueKey: harness.issueKey(35)).count == 1)
            #expect(try await store.messages(issueKey: harness.issueKey(35)).count == 1)
            #expect(await harness.pullRequests().count == 1)
        }
    }

    @Test("assigning the issue to the App's bot user and an @mention from a writer each start a run; a triage user's label does, their command does not")
    func assignmentMentionAndRoles() async throws {
        try await EndToEndHarness.with(configure: Self.knowTheApp) { harness in
            try await harness.startServer()
            let state = harness.emulator.state
            await state.setCollaboratorRole(owner: EndToEndHarness.owner, repo: EndToEndHarness.repo, login: "triager", role: "triage")
            await state.setCollaboratorRole(owner: EndToEndHarness.owner, repo: EndToEndHarness.repo, login: "writer", role: "write")
            let payloads = harness.payloads

            try await harness.send(payloads.issueAssigned(number: 41, title: "add() subtracts", assignee: "dayshift[bot]",
                                                          assigneeID: Int(Self.botUserID)))
            #expect(try await harness.waitForFinishedRun(41).run.status == .succeeded)

            try await harness.send(payloads.commentCreated(number: 42, title: "add() subtracts", comment: "@dayshift the sum is wrong",
                                                           author: "writer", association: "COLLABORATOR"))
            #expect(try await harness.waitForFinishedRun(42).run.status == .succeeded)

            try await harness.send(payloads.issueLabeled(number: 43, title: "add() subtracts", body: "", sender: "triager"))
            #expect(try await harness.waitForFinishedRun(43).run.status == .succeeded)

            try await harness.send(payloads.commentCreated(number: 44, title: "t", comment: "/dayshift", author: "triager", association: "COLLABORATOR"))
            let store = try harness.store
            try await harness.waitUntil("the triage user's command to be handled") {
                try await store.messages(issueKey: harness.issueKey(44)).first?.handledAt != nil
            }
            #expect(try await store.messages(issueKey: harness.issueKey(44)).first?.outcome?.contains("needs write") == true)
            #expect(try await store.runs(issueKey: harness.issueKey(44)).isEmpty)
            // One permission call per sender and repository while the answer is fresh.
            let permissionCalls = await state.recordedRequests.filter { $0.path.hasSuffix("/permission") }
            #expect(permissionCalls.count == 3)
        }
    }

    @Test("past the hourly cap nothing starts, and the issue is told once, not once per refusal")
    func hourlyCap() async throws {
        try await EndToEndHarness.with(configure: { $0.triggers.maxRunsPerIssuePerHour = 1 }) { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 51, title: "add() subtracts", body: ""))
            _ = try await harness.waitForFinishedRun(51)
            let store = try harness.store
            for attempt in 1...2 {
                try await harness.send(harness.payloads.commentCreated(number: 51, title: "add() subtracts", comment: "/dayshift retry"))
                try await harness.waitUntil("refusal \(attempt) to be handled") {
                    try await store.messages(issueKey: harness.issueKey(51)).allSatisfy { $0.handledAt != nil }
                }
            }
            let outcomes = try await store.messages(issueKey: harness.issueKey(51)).compactMap(\.outcome)
            #expect(outcomes.filter { $0.hasPrefix("refused: hourly cap") }.count == 2)
            #expect(outcomes.last?.contains("already said so") == true)
            #expect(try await store.runs(issueKey: harness.issueKey(51)).count == 1)
            let notices = await harness.comments(51).filter { $0.body.contains("limit") }
            #expect(notices.count == 1)
            #expect(notices.first?.body.contains("/dayshift") == false)
        }
    }
}
