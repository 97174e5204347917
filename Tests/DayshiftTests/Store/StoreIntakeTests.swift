import DayshiftCore
import Foundation
import PostgresNIO
@testable import Store
import Testing

/// What intake and the issue objects keep beside the run journal, on both engines: the inbox,
/// follow-ups, budget notices, installation blocks, agent transcripts and model usage.
@Suite("Store inbox, follow-ups, budgets, installations, transcripts, model usage")
struct StoreIntakeTests {
    @Test("the inbox hands out the oldest pending message per issue, and only the lease holder marks it handled", arguments: StoreEngine.allCases)
    func inbox(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let (one, two) = (StoreSeed.key(1), StoreSeed.key(2))
            let first = try await StoreSeed.message(store, two)
            let second = try await StoreSeed.message(store, one)
            let third = try await StoreSeed.message(store, two)
            #expect(try await store.issueKeysWithPendingMessages() == [two.description, one.description])
            #expect(try await store.nextPendingMessage(issueKey: two.description)?.id == first)
            let stale = try await store.activate(issueKey: two.description, owner: "a")
            let lease = try await store.activate(issueKey: two.description, owner: "b")
            await #expect(throws: StoreError.leaseLost(issueKey: two.description, epoch: stale.epoch)) {
                try await store.markMessageHandled(id: first, outcome: "stale", lease: stale, at: StoreSeed.date)
            }
            #expect(try await store.nextPendingMessage(issueKey: two.description)?.id == first)
            try await store.markMessageHandled(id: first, outcome: "started run 1", lease: lease, at: StoreSeed.date)
            #expect(try await store.nextPendingMessage(issueKey: two.description)?.id == third)
            #expect(try await store.issueKeysWithPendingMessages() == [one.description, two.description])
            let messages = try await store.messages(issueKey: two.description)
            #expect(messages.map(\.id) == [first, third])
            #expect(messages[0].outcome == "started run 1" && messages[0].handledAt == StoreSeed.date)
            #expect(messages[1].outcome == nil && messages[1].handledAt == nil)
            #expect(messages[0].command == .fix && messages[0].snapshot == StoreSeed.snapshot(two))
            #expect(try await store.messages(issueKey: one.description).map(\.id) == [second])
        }
    }

    @Test("a follow-up is queued once however often it is queued, and is marked handled", arguments: StoreEngine.allCases)
    func followUps(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let key = StoreSeed.key(3)
            let lease = try await store.activate(issueKey: key.description, owner: "test")
            let first = try await StoreSeed.message(store, key)
            let second = try await StoreSeed.message(store, key)
            try await store.queueFollowUp(messageID: second, outcome: "queued behind run 1", lease: lease, at: StoreSeed.date)
            try await store.queueFollowUp(messageID: first, outcome: "queued behind run 1", lease: lease, at: StoreSeed.date)
            try await store.queueFollowUp(messageID: second, outcome: "queued behind run 1", lease: lease, at: StoreSeed.date)
            let queued = try await store.queuedFollowUps(issueKey: key.description)
            #expect(queued.map(\.id) == [first, second])
            #expect(queued.allSatisfy { $0.outcome == "queued behind run 1" && $0.handledAt == StoreSeed.date })
            #expect(try await store.queuedFollowUps(issueKey: StoreSeed.key(4).description).isEmpty)
            #expect(try await store.nextPendingMessage(issueKey: key.description) == nil)
            let stale = lease
            _ = try await store.activate(issueKey: key.description, owner: "other")
            let third = try await StoreSeed.message(store, key)
            await #expect(throws: StoreError.self) {
                try await store.queueFollowUp(messageID: third, outcome: "stale", lease: stale, at: StoreSeed.date)
            }
            #expect(try await store.queuedFollowUps(issueKey: key.description).map(\.id) == [first, second])
        }
    }

    @Test("a budget refusal tells the issue once per day: until its comment is written, not after", arguments: StoreEngine.allCases)
    func budgetNotices(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let key = StoreSeed.key(5)
            let lease = try await store.activate(issueKey: key.description, owner: "test")
            let refusal = DailyBudgetRefusal(limit: .runs, scope: "repository o/r", usage: DailyUsage(runs: 3, costUSD: 0),
                                             budget: DailyBudget(runs: 3), day: "2025-12-01")
            let first = try await StoreSeed.message(store, key)
            #expect(try await store.recordBudgetRefusal(refusal, messageID: first, lease: lease, at: StoreSeed.date))
            #expect(try await store.messages(issueKey: key.description).first?.outcome == "refused: \(refusal)")
            // The comment was not written yet (e.g. a crash): the next refusal still tells.
            #expect(try await store.recordBudgetRefusal(refusal, messageID: try await StoreSeed.message(store, key), lease: lease, at: StoreSeed.date))
            try await store.markBudgetNoticeCommented(issueKey: key.description, day: refusal.day, at: StoreSeed.date)
            #expect(try await store.recordBudgetRefusal(refusal, messageID: try await StoreSeed.message(store, key), lease: lease, at: StoreSeed.date) == false)
            var nextDay = refusal
            nextDay.day = "2025-12-02"
            #expect(try await store.recordBudgetRefusal(nextDay, messageID: try await StoreSeed.message(store, key), lease: lease, at: StoreSeed.date))
            #expect(try await store.nextPendingMessage(issueKey: key.description) == nil)
        }
    }

    @Test("an installation block covers its repositories, cancels their running runs once, and an unblock lifts it", arguments: StoreEngine.allCases)
    func installationBlocks(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let key = StoreSeed.key(6)
            let runID = try await IntakeSeed.runningRun(store, key)
            #expect(try await store.runCount(issueKey: key.description, since: StoreSeed.date) == 1)
            #expect(try await store.runCount(issueKey: key.description, since: StoreSeed.date.addingTimeInterval(1)) == 0)
            #expect(runID > 0)
            #expect(try await store.installationBlock(installationID: 1, repository: "o/r") == nil)

            // Another repository of the installation: nothing to cancel.
            let other = InstallationChange(installationID: 1, repositories: ["o/other"], blocks: true, cause: "installation_repositories.removed")
            #expect(try await store.recordInstallationChange(IntakeSeed.delivery("i-1"), change: other) == .recorded(cancelling: []))
            #expect(try await store.installationBlock(installationID: 1, repository: "O/Other") == "installation_repositories.removed")
            #expect(try await store.installationBlock(installationID: 1, repository: "o/r") == nil)

            let suspend = InstallationChange(installationID: 1, repositories: nil, blocks: true, cause: "installation.suspend")
            let delivery = IntakeSeed.delivery("i-2")
            #expect(try await store.recordInstallationChange(delivery, change: suspend) == .recorded(cancelling: [key.description]))
            #expect(try await store.recordInstallationChange(delivery, change: suspend) == .duplicate)
            #expect(try await store.installationBlock(installationID: 1, repository: "o/r") == "installation.suspend")
            #expect(try await store.installationBlock(installationID: 2, repository: "o/r") == nil)
            // A start checks the block in its own transaction too.
            let blockedKey = StoreSeed.key(8)
            let lease = try await store.activate(issueKey: blockedKey.description, owner: "test")
            await #expect(throws: StartRunError.installationBlocked(reason: "installation.suspend")) {
                try await store.startRun(StoreSeed.context(blockedKey), lease: lease, triggerMessageID: try await StoreSeed.message(store, blockedKey),
                                         steps: StepName.allCases)
            }
            #expect(try await store.delivery(guid: "i-2")?.decision.reason == Store.reason("test", cancelling: [key.description]))
            let cancels = try await store.messages(issueKey: key.description).filter { $0.command == .cancel }
            #expect(cancels.count == 1)
            #expect(cancels.first?.deliveryGUID == "i-2" && cancels.first?.origin?.kind == .installation)

            let unsuspend = InstallationChange(installationID: 1, repositories: nil, blocks: false, cause: "installation.unsuspend")
            #expect(try await store.recordInstallationChange(IntakeSeed.delivery("i-3"), change: unsuspend) == .recorded(cancelling: []))
            #expect(try await store.installationBlock(installationID: 1, repository: "o/r") == nil)
            #expect(try await store.installationBlock(installationID: 1, repository: "o/other") == "installation_repositories.removed")
            #expect(try await store.deliveryCount() == 5)
        }
    }

    @Test("an agent's transcript and progress share one row per run without overwriting each other", arguments: StoreEngine.allCases)
    func agentTranscripts(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let runID = try await IntakeSeed.runningRun(store, StoreSeed.key(7))
            #expect(try await store.agentTranscript(runID: runID) == nil)
            #expect(try await store.agentProgress(runID: runID) == nil)
            let progress = AgentProgress(profile: .claudeCode, turns: 2, tool: "Bash", sessionID: "s-1", updatedAt: StoreSeed.date)
            try await store.recordAgentProgress(runID: runID, progress)
            #expect(try await store.agentProgress(runID: runID) == progress)
            #expect(try await store.agentTranscript(runID: runID) == AgentTranscript(profile: .claudeCode, text: "", totalBytes: 0, truncated: false))
            // A later progress without a session keeps the session already known.
            try await store.recordAgentProgress(runID: runID, AgentProgress(profile: .claudeCode, turns: 5, tool: nil, sessionID: nil, updatedAt: StoreSeed.date))
            #expect(try await store.agentProgress(runID: runID) == AgentProgress(profile: .claudeCode, turns: 5, tool: nil, sessionID: "s-1", updatedAt: StoreSeed.date))
            let transcript = AgentTranscript(profile: .claudeCode, text: "{\"type\":\"result\"}\n…", totalBytes: 4 << 20, truncated: true)
            try await store.saveAgentTranscript(runID: runID, transcript, at: StoreSeed.date)
            #expect(try await store.agentTranscript(runID: runID) == transcript)
            #expect(try await store.agentProgress(runID: runID)?.turns == 5)
            #expect(try await store.agentProgress(runID: runID)?.sessionID == "s-1")
        }
    }

    @Test("model usage adds up per run, unpriced models listed once and sorted", arguments: StoreEngine.allCases)
    func modelUsage(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let runID = try await IntakeSeed.runningRun(store, StoreSeed.key(8))
            #expect(try await store.usage(runID: runID) == nil)
            try await store.addModelUsage(runID: runID, ModelCallUsage(inputTokens: 10, outputTokens: 2, costUSD: 0.5, bytes: 100), at: StoreSeed.date)
            try await store.addModelUsage(runID: runID, ModelCallUsage(inputTokens: 5, bytes: 50, unpricedModel: "mystery"), at: StoreSeed.date)
            try await store.addModelUsage(runID: runID, ModelCallUsage(bytes: 7, unpricedModel: "a,b", countsAsRequest: false), at: StoreSeed.date)
            try await store.addModelUsage(runID: runID, ModelCallUsage(inputTokens: 1, unpricedModel: "mystery"), at: StoreSeed.date)
            let usage = try #require(try await store.usage(runID: runID))
            #expect(usage == RunModelUsage(runId: runID, requests: 3, inputTokens: 16, outputTokens: 2, costUSD: 0.5, bytes: 157,
                                           unpricedModels: "a b,mystery", updatedAt: StoreSeed.date))
        }
    }

    @Test("PostgreSQL: model usage added by two replicas at once loses no call")
    func modelUsageOnTwoReplicas() async throws {
        try await withReplicas { a, b async throws in
            let runID = try await IntakeSeed.runningRun(a, StoreSeed.key(9))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for call in 0..<40 {
                    let store = call.isMultiple(of: 2) ? a : b
                    group.addTask {
                        try await store.addModelUsage(runID: runID, ModelCallUsage(inputTokens: 3, outputTokens: 1, costUSD: 0.25, bytes: 10,
                                                                                   unpricedModel: "m\(call % 3)"))
                    }
                }
                try await group.waitForAll()
            }
            let usage = try #require(try await b.usage(runID: runID))
            #expect(usage.requests == 40)
            #expect(usage.inputTokens == 120)
            #expect(usage.outputTokens == 40)
            #expect(usage.costUSD == 10)
            #expect(usage.bytes == 400)
            #expect(usage.unpricedModels == "m0,m1,m2")
        }
    }
}

/// Rows the tests of this suite start from.
enum IntakeSeed {
    /// An `installation` delivery, received at ``StoreSeed/date``.
    static func delivery(_ guid: String) -> Delivery {
        Delivery(guid: guid, event: "installation", action: "suspend", repository: nil, issueNumber: nil, receivedAt: StoreSeed.date,
                 payload: Data("{}".utf8), decision: .acted(reason: "test"))
    }

    /// Starts a running run of `key` (created at ``StoreSeed/date``, its context ``StoreSeed/context(_:)``)
    /// and returns its id.
    static func runningRun(_ store: Store, _ key: IssueKey) async throws -> Int64 {
        let lease = try await store.activate(issueKey: key.description, owner: "test")
        let messageID = try await StoreSeed.message(store, key)
        return try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: messageID, steps: StepName.allCases,
                                        at: StoreSeed.date).run.id
    }
}
