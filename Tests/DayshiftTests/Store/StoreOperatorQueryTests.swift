import DayshiftCore
import Foundation
import Store
import Testing

@Suite("Store: operator queries (filters and pages)")
struct StoreOperatorQueryTests {
    /// Starts a run for issue `number` of `owner/repo`; finishes it with `status` unless nil.
    func run(_ store: Store, owner: String = "o", repo: String = "r", _ number: Int, status: RunStatus?, at date: Date) async throws -> Run {
        let key = IssueKey(repository: RepositoryName(owner: owner, name: repo), number: number)
        let lease = try await store.activate(issueKey: key.description, owner: "test")
        let messageID = try await StoreSeed.message(store, key)
        let journal = try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: messageID, steps: StepName.allCases, at: date)
        if let status {
            try await store.finishRun(runID: journal.run.id, status: status, summary: "done", lease: lease, at: date)
        } else {
            _ = try await store.beginStep(.provision, runID: journal.run.id, lease: lease, at: date)
        }
        return journal.run
    }

    @Test("runs filter by status, repository (any case), and time, newest first, in pages by id", arguments: StoreEngine.allCases)
    func runs(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let day: TimeInterval = 86_400
            let a = try await run(store, 1, status: .succeeded, at: StoreSeed.date)
            let b = try await run(store, owner: "Other", repo: "Repo", 2, status: .failed, at: StoreSeed.date + day)
            let c = try await run(store, 3, status: nil, at: StoreSeed.date + 2 * day)
            #expect(try await store.runs(matching: RunQuery(), limit: 10).map(\.id) == [c.id, b.id, a.id])
            #expect(try await store.runs(matching: RunQuery(status: .failed), limit: 10).map(\.id) == [b.id])
            #expect(try await store.runs(matching: RunQuery(repository: RepositoryName(owner: "OTHER", name: "repo")), limit: 10).map(\.id) == [b.id])
            #expect(try await store.runs(matching: RunQuery(repository: RepositoryName(owner: "o", name: "r")), limit: 10).map(\.id) == [c.id, a.id])
            #expect(try await store.runs(matching: RunQuery(since: StoreSeed.date + day), limit: 10).map(\.id) == [c.id, b.id])
            #expect(try await store.runs(matching: RunQuery(until: StoreSeed.date + day), limit: 10).map(\.id) == [a.id])
            #expect(try await store.runs(matching: RunQuery(), limit: 2).map(\.id) == [c.id, b.id])
            #expect(try await store.runs(matching: RunQuery(beforeID: b.id), limit: 2).map(\.id) == [a.id])
            #expect(try await store.currentSteps(runIDs: [a.id, b.id, c.id]) == [c.id: .provision])
        }
    }

    @Test("a repository filter is a prefix of whole names: o/r does not match o/rr", arguments: StoreEngine.allCases)
    func repositoryPrefix(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            _ = try await run(store, owner: "o", repo: "rr", 1, status: .succeeded, at: StoreSeed.date)
            #expect(try await store.runs(matching: RunQuery(repository: RepositoryName(owner: "o", name: "r")), limit: 10).isEmpty)
            #expect(try await store.issueObjects(matching: IssueObjectQuery(repository: RepositoryName(owner: "o", name: "r")), limit: 10).isEmpty)
        }
    }

    @Test("deliveries filter by event, decision and repository, newest first, in pages by position", arguments: StoreEngine.allCases)
    func deliveries(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            func stored(_ guid: String, event: String, acted: Bool, repository: String?) async throws {
                let delivery = Delivery(guid: guid, event: event, action: nil, repository: repository, issueNumber: nil, receivedAt: StoreSeed.date,
                                        payload: Data("{}".utf8), decision: acted ? .acted(reason: "r") : .ignored(reason: "r"),
                                        replayOf: guid == "d3" ? "d1" : nil)
                _ = try await store.recordDelivery(delivery, message: nil)
            }
            try await stored("d1", event: "issues", acted: true, repository: "Octo/Hello")
            try await stored("d2", event: "ping", acted: false, repository: nil)
            try await stored("d3", event: "issues", acted: false, repository: "octo/other")
            let all = try await store.deliveries(matching: DeliveryQuery(), limit: 10)
            #expect(all.map(\.delivery.guid) == ["d3", "d2", "d1"])
            #expect(all[0].delivery.replayOf == "d1")
            #expect(try await store.deliveries(matching: DeliveryQuery(event: "issues"), limit: 10).map(\.delivery.guid) == ["d3", "d1"])
            #expect(try await store.deliveries(matching: DeliveryQuery(acted: false), limit: 10).map(\.delivery.guid) == ["d3", "d2"])
            #expect(try await store.deliveries(matching: DeliveryQuery(repository: "octo/hello"), limit: 10).map(\.delivery.guid) == ["d1"])
            let page = try await store.deliveries(matching: DeliveryQuery(), limit: 2)
            #expect(try await store.deliveries(matching: DeliveryQuery(beforePosition: page[1].position), limit: 2).map(\.delivery.guid) == ["d1"])
        }
    }

    @Test("issue objects in key order with their run count and newest run; filter by running and repository; pages after a key", arguments: StoreEngine.allCases)
    func issueObjects(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            _ = try await run(store, 1, status: .succeeded, at: StoreSeed.date)
            let latest = try await run(store, 1, status: .failed, at: StoreSeed.date + 1)
            let running = try await run(store, 2, status: nil, at: StoreSeed.date + 2)
            _ = try await store.activate(issueKey: "o/x#3", owner: "test")
            let all = try await store.issueObjects(matching: IssueObjectQuery(), limit: 10)
            #expect(all.map(\.issueKey) == ["o/r#1", "o/r#2", "o/x#3"])
            #expect(all.map(\.runCount) == [2, 1, 0])
            #expect(all[0].latestRun?.id == latest.id && all[1].latestRun?.id == running.id && all[2].latestRun == nil)
            #expect(try await store.issueObjects(matching: IssueObjectQuery(running: true), limit: 10).map(\.issueKey) == ["o/r#2"])
            #expect(try await store.issueObjects(matching: IssueObjectQuery(running: false), limit: 10).map(\.issueKey) == ["o/r#1", "o/x#3"])
            #expect(try await store.issueObjects(matching: IssueObjectQuery(repository: RepositoryName(owner: "O", name: "X")), limit: 10)
                .map(\.issueKey) == ["o/x#3"])
            #expect(try await store.issueObjects(matching: IssueObjectQuery(afterKey: "o/r#1"), limit: 1).map(\.issueKey) == ["o/r#2"])
            #expect(try await store.issueObject(key: IssueKey("O/R#2")!)?.isRunning == true)
            #expect(try await store.issueObject(key: IssueKey("o/r#9")!) == nil)
            #expect(try await store.pendingMessages(limit: 10).isEmpty)
        }
    }
}
