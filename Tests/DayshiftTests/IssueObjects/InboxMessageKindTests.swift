import DayshiftCore
import DayshiftServer
import Foundation
import IssueObjects
import GRDB
@testable import Store
import Testing

/// An inbox message is read by its kind; a kind the issue object does not know starts nothing.
@Suite("Inbox message kinds", .serialized)
struct InboxMessageKindTests {
    @Test("a message of unknown kind is recorded as an error on that message and starts no run")
    func unknownKindStartsNothing() async throws {
        try await EndToEndHarness.with(configure: { $0.runtime.pollIntervalSeconds = 0.05 }) { harness in
            try await harness.startServer()
            let store = try harness.store
            let key = harness.issueKey(41)
            // A snapshot that a `fix` would start a run from: only the kind is wrong.
            let snapshot = IssueSnapshot(repository: "\(EndToEndHarness.owner)/\(EndToEndHarness.repo)", number: 41, title: "kind",
                                         body: "", cloneURL: "https://github.com/octo/calculator.git", defaultBranch: "main", requestedBy: "octocat",
                                         installationID: 1)
            // Intake cannot write an unknown kind (an `IssueMessage` holds an `IssueCommand`): the row
            // is written as a newer version or a hand edit would, below the Store's API.
            let delivery = DeliveryRecord(StoreSeed.delivery(try #require(IssueKey(key)), guid: "unknown-kind-41"))
            let message = InboxMessageRecord(issueKey: key, kind: "frobnicate", deliveryGuid: delivery.guid,
                                             body: try JSONEncoder().encode(snapshot), createdAt: Date())
            guard case .recorded = try await #require(store.sqliteDatabase).write({ db in try SQLiteStore.insert(delivery, message: message, db) }) else {
                Issue.record("the delivery was not recorded")
                return
            }
            try #require(harness.instance).runtime.notifyNewMessages()
            try await harness.waitUntil("the message handled") {
                try await store.messages(issueKey: key).allSatisfy { $0.handledAt != nil }
            }
            let handled = try #require(try await store.messages(issueKey: key).first)
            #expect(handled.outcome == #"error: unknown message kind "frobnicate""#)
            // Handling a message and starting its run are one step of the issue object: once the
            // message is handled, any run it started would already be in the journal.
            #expect(try await store.runs(issueKey: key).isEmpty)
        }
    }
}
