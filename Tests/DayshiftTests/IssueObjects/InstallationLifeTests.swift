import DayshiftConfig
import DayshiftCore
import Emulators
import Foundation
import Store
import Testing

/// The installation's life end to end: `installation` and `installation_repositories` deliveries
/// cancel that installation's running runs and stop new ones, durably, until GitHub allows them again.
@Suite("Installation life", .serialized)
struct InstallationLifeTests {
    @Test("installation.deleted during a run cancels it, leaves no sandbox, and no new run starts")
    func deletedCancelsRun() async throws {
        try await EndToEndHarness.with(agentScript: "sleep 60") { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 61, title: "slow", body: ""))
            try await harness.waitForRunningStep(.agent, issue: 61)
            let started = Date()
            let deleted = harness.payloads.installation(action: "deleted")
            #expect(try await harness.send(deleted) == 202)
            let journal = try await harness.waitForFinishedRun(61, timeoutSeconds: 30)
            #expect(Date().timeIntervalSince(started) < 30)
            #expect(journal.run.status == .cancelled)
            #expect(journal.steps[.cleanup]?.status == .succeeded)
            #expect(journal.steps[.report]?.status == .succeeded)
            #expect(try await harness.sandboxCount() == 0)
            // GitHub no longer lets the App write there: the tracking comment posted when the run
            // started is all there is (no final status in it, no second comment), and no pull request.
            let comments = await harness.comments(61)
            #expect(comments.count == 1, "\(comments.map(\.body))")
            #expect(comments.allSatisfy { !$0.body.contains("cancelled its run") }, "\(comments.map(\.body))")
            #expect(await harness.pullRequests().isEmpty)
            let stored = try #require(try await harness.store.delivery(guid: deleted.guid))
            #expect(stored.decision.reason.contains("cancelling the runs of"))

            try await harness.send(harness.payloads.commentCreated(number: 62, title: "t", comment: "/dayshift"))
            let store = try harness.store
            try await harness.waitUntil("the trigger after the uninstall to be handled") {
                try await store.messages(issueKey: harness.issueKey(62)).first?.handledAt != nil
            }
            #expect(try await store.messages(issueKey: harness.issueKey(62)).first?.outcome?.contains("installation.deleted") == true)
            #expect(try await store.runs(issueKey: harness.issueKey(62)).isEmpty)
        }
    }

    @Test("a suspended installation or a removed repository starts nothing, across a restart; unsuspend and re-adding allow runs again")
    func suspendAndUnsuspend() async throws {
        try await EndToEndHarness.with { harness in
            try await harness.startServer()
            try await harness.send(harness.payloads.installation(action: "suspend"))
            await harness.stopServer()
            try await harness.startServer()
            try await harness.send(harness.payloads.issueLabeled(number: 63, title: "add() subtracts", body: ""))
            let store = try harness.store
            try await harness.waitUntil("the trigger while suspended to be handled") {
                try await store.messages(issueKey: harness.issueKey(63)).first?.handledAt != nil
            }
            #expect(try await store.messages(issueKey: harness.issueKey(63)).first?.outcome?.contains("installation.suspend") == true)
            #expect(try await store.runs(issueKey: harness.issueKey(63)).isEmpty)

            try await harness.send(harness.payloads.installation(action: "unsuspend"))
            try await harness.send(harness.payloads.installationRepositories(action: "removed"))
            try await harness.send(harness.payloads.commentCreated(number: 63, title: "add() subtracts", comment: "/dayshift"))
            try await harness.waitUntil("the trigger after the repository's removal to be handled") {
                try await store.messages(issueKey: harness.issueKey(63)).allSatisfy { $0.handledAt != nil }
            }
            #expect(try await store.messages(issueKey: harness.issueKey(63)).last?.outcome?.contains("installation_repositories.removed") == true)

            try await harness.send(harness.payloads.installationRepositories(action: "added"))
            try await harness.send(harness.payloads.commentCreated(number: 63, title: "add() subtracts", comment: "/dayshift"))
            #expect(try await harness.waitForFinishedRun(63).run.status == .succeeded)
        }
    }
}
