import DayshiftCore
import Foundation
import Store
import Testing

@Suite("Store: runs and their journals")
struct StoreJournalTests {
    static let outcome = CommandOutcome(command: "swift test", exitCode: 1, tail: "1 test failed", timedOut: false, seconds: 2.5)

    /// One result of every kind, with the step that produces it.
    static let results: [(StepName, StepResult)] = [
        (.provision, .provision(ProvisionResult(sandboxID: "sb-1", sandboxHome: "/home/daytona", note: "created sandbox"))),
        (.clone, .clone(CloneResult(commit: String(repeating: "a", count: 40), branch: "main"))),
        (.setup, .command(CommandStepResult(outcome: nil, note: "no setup_command"))),
        (.baseline, .command(CommandStepResult(outcome: outcome))),
        (.agent, .agent(AgentResult(command: outcome, changedFiles: ["a.swift", "b.swift"],
                                    modelUsage: ModelUsageSummary(requests: 2, inputTokens: 100, outputTokens: 7, costUSD: 0.25)))),
        (.verify, .command(CommandStepResult(outcome: outcome))),
        (.publish, .publish(PublishResult(commit: String(repeating: "b", count: 40), branch: "dayshift/issue-1",
                                          change: ChangeSummary(written: ["a.swift"], deleted: ["c.swift"], bytes: 12), note: "created"))),
        (.pull_request, .pullRequest(PullRequestResult(number: 7, url: "https://github.com/o/r/pull/7", head: "dayshift/issue-1", draft: true, updated: false))),
        (.report, .report(ReportResult(commentID: 99, note: "updated the report comment"))),
        (.cleanup, .cleanup(CleanupResult(note: "deleted sb-1"))),
    ]

    func started(_ store: Store, _ number: Int) async throws -> (RunJournal, IssueLease) {
        let key = StoreSeed.key(number)
        let lease = try await store.activate(issueKey: key.description, owner: "test")
        let journal = try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: try await StoreSeed.message(store, key),
                                               steps: StepName.allCases, at: StoreSeed.date)
        return (journal, lease)
    }

    @Test("a started run reads back in one journal: its context, every step pending, the message handled", arguments: StoreEngine.allCases)
    func startedRunReadsBack(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (started, _) = try await started(store, 1)
            let journal = try #require(try await store.journal(runID: started.run.id))
            #expect(journal == started)
            #expect(journal.context == StoreSeed.context(StoreSeed.key(1)))
            #expect(journal.steps.count == StepName.allCases.count)
            #expect(journal.steps.values.allSatisfy { $0.status == .pending && $0.attempt == 0 })
            #expect(try await store.messages(issueKey: StoreSeed.key(1).description).map(\.outcome) == ["started run 1"])
        }
    }

    @Test("every kind of step result is stored and read back unchanged", arguments: StoreEngine.allCases, results.indices)
    func resultsRoundTrip(engine: StoreEngine, index: Int) async throws {
        let (step, result) = Self.results[index]
        try await withStore(engine) { store in
            let (started, lease) = try await started(store, 2)
            #expect(try await store.beginStep(step, runID: started.run.id, lease: lease) == 1)
            try await store.completeStep(step, result: .succeeded(result), runID: started.run.id, lease: lease)
            let journal = try #require(try await store.journal(runID: started.run.id))
            #expect(journal.steps[step]?.status == .succeeded)
            #expect(journal.result(step) == result)
            #expect(try await store.succeededResults(issueKey: started.run.issueKey, step: step) == [result])
        }
    }

    @Test("ending one step and starting the next is one transaction: both land, or neither under a lost lease", arguments: StoreEngine.allCases)
    func endAndBeginTogether(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (started, lease) = try await started(store, 3)
            let runID = started.run.id
            _ = try await store.beginStep(.provision, runID: runID, lease: lease)
            let provision = StepCompletion(step: .provision, end: .succeeded(Self.results[0].1))
            let setupSkipped = StepCompletion(step: .setup, end: .skipped)
            // A newer activation takes the issue over: the old lease writes nothing at all.
            let newer = try await store.activate(issueKey: lease.issueKey, owner: "other")
            await #expect(throws: StoreError.leaseLost(issueKey: lease.issueKey, epoch: lease.epoch)) {
                try await store.beginStep(.clone, runID: runID, completing: [provision], lease: lease)
            }
            var journal = try #require(try await store.journal(runID: runID))
            #expect(journal.steps[.provision]?.status == .running)
            #expect(journal.steps[.clone]?.status == .pending)
            #expect(try await store.beginStep(.clone, runID: runID, completing: [provision, setupSkipped], lease: newer) == 1)
            journal = try #require(try await store.journal(runID: runID))
            #expect(journal.steps[.provision]?.status == .succeeded)
            #expect(journal.provision?.sandboxID == "sb-1")
            #expect(journal.steps[.setup]?.status == .skipped)
            #expect(journal.steps[.clone]?.status == .running)
            #expect(journal.steps[.clone]?.attempt == 1)
        }
    }

    @Test("finishing a run commits the last step ends with it, and it leaves the running journals", arguments: StoreEngine.allCases)
    func finishRun(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (first, lease) = try await started(store, 4)
            let (second, _) = try await started(store, 5)
            #expect(try await store.runningJournals().map(\.run.id) == [first.run.id, second.run.id])
            _ = try await store.beginStep(.cleanup, runID: first.run.id, lease: lease)
            try await store.finishRun(runID: first.run.id, status: .failed, summary: "setup failed",
                                      completing: [StepCompletion(step: .cleanup, end: .failed("sandbox gone"))], lease: lease)
            let journal = try #require(try await store.journal(runID: first.run.id))
            #expect(journal.run.status == .failed)
            #expect(journal.run.summary == "setup failed")
            #expect(journal.steps[.cleanup]?.status == .failed)
            #expect(journal.steps[.cleanup]?.error == "sandbox gone")
            #expect(journal.failedStep?.name == .cleanup)
            #expect(try await store.runningJournals().map(\.run.id) == [second.run.id])
        }
    }

    @Test("a cancel request is kept with the run", arguments: StoreEngine.allCases)
    func cancelRequest(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (started, lease) = try await started(store, 6)
            try await store.requestCancel(runID: started.run.id, lease: lease)
            #expect(try await store.run(id: started.run.id)?.cancelRequestedAt != nil)
            #expect(try await store.journal(runID: started.run.id)?.cancelRequested == true)
        }
    }

    @Test("deliveries keep their decision; a GUID repeated in a batch is a duplicate from its second time on", arguments: StoreEngine.allCases)
    func deliveries(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let key = StoreSeed.key(7)
            var ignored = StoreSeed.delivery(key, guid: "g-ignored")
            ignored.decision = .ignored(reason: "not labeled dayshift")
            let acted = StoreSeed.delivery(key, guid: "g-acted")
            let message = IssueMessage(issueKey: key, command: .retry, snapshot: StoreSeed.snapshot(key))
            let outcomes = try await store.recordDeliveries([(acted, message), (ignored, nil), (acted, message)])
            guard case .recorded(let messageID?) = outcomes[0] else { Issue.record("first delivery not recorded: \(outcomes)"); return }
            #expect(outcomes[1] == .recorded(messageID: nil))
            #expect(outcomes[2] == .duplicate)
            #expect(try await store.recordDelivery(ignored, message: nil) == .duplicate)
            #expect(try await store.delivery(guid: "g-ignored")?.decision == .ignored(reason: "not labeled dayshift"))
            #expect(try await store.delivery(guid: "g-acted") == acted)
            #expect(try await store.deliveryCount() == 2)
            let stored = try #require(try await store.nextPendingMessage(issueKey: key.description))
            #expect(stored.id == messageID)
            #expect(stored.command == .retry)
            #expect(stored.snapshot == StoreSeed.snapshot(key))
            #expect(try await store.issueKeysWithPendingMessages() == [key.description])
        }
    }

    @Test("model usage adds up per run", arguments: StoreEngine.allCases)
    func modelUsage(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (started, _) = try await started(store, 8)
            #expect(try await store.usage(runID: started.run.id) == nil)
            try await store.addModelUsage(runID: started.run.id, ModelCallUsage(inputTokens: 10, outputTokens: 2, costUSD: 0.5, bytes: 100))
            try await store.addModelUsage(runID: started.run.id, ModelCallUsage(inputTokens: 5, bytes: 50, unpricedModel: "mystery"))
            let usage = try #require(try await store.usage(runID: started.run.id))
            #expect(usage.requests == 2)
            #expect(usage.inputTokens == 15)
            #expect(usage.outputTokens == 2)
            #expect(usage.costUSD == 0.5)
            #expect(usage.bytes == 150)
            #expect(usage.unpricedModels == "mystery")
        }
    }
}
