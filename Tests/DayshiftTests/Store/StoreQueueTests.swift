import DayshiftCore
import Foundation
import Logging
import Store
import Testing

@Suite("Store: the queue for sandbox slots and the daily ledger")
struct StoreQueueTests {
    func started(_ store: Store, _ number: Int, installation: Int64 = 1, budget: DailyBudget = DailyBudget(),
                 at date: Date = StoreSeed.date, repository: RepositoryName = RepositoryName(owner: "o", name: "r")) async throws -> (RunJournal, IssueLease) {
        let key = IssueKey(repository: repository, number: number)
        let lease = try await store.activate(issueKey: key.description, owner: "test")
        var context = StoreSeed.context(key)
        context.issue.installationID = installation
        let journal = try await store.startRun(context, lease: lease, triggerMessageID: try await StoreSeed.message(store, key),
                                               steps: StepName.allCases, budget: budget, at: date)
        return (journal, lease)
    }

    /// Opens a store on one durable database, again and again: a SQLite file in a directory, or
    /// one fresh PostgreSQL database (each open is a new client: a restart, or another replica).
    struct Durable {
        let open: () async throws -> Store
        let remove: () -> Void

        init(_ engine: StoreEngine) async throws {
            switch engine {
            case .sqlite:
                let directory = try TestDirectory("store-queue")
                open = { try Store(directory: directory.url, logger: Logger(label: "test")) }
                remove = { directory.remove() }
            case .postgres:
                let settings = try await TestPostgres.shared.freshDatabaseOrCancel()
                open = { try await Store.postgres(settings, logger: Logger(label: "test")) }
                remove = {}
            }
        }
    }

    @Test("slots are held in the database: a reopened store gives none twice, and a finish frees one for the next in fair order",
          arguments: StoreEngine.allCases)
    func slotsSurviveReopenAndFinishReleases(engine: StoreEngine) async throws {
        let durable = try await Durable(engine)
        defer { durable.remove() }
        var first: (RunJournal, IssueLease)
        do {
            let store = try await durable.open()
            first = try await started(store, 1, installation: 1)
            _ = try await started(store, 2, installation: 1)
            _ = try await started(store, 3, installation: 2)
            #expect(try await store.claimSlot(runID: first.0.run.id, limit: 1) == .holding)
            await store.close()
        }
        // A crash after the slot was taken: the reopened store still gives it to run 1 only.
        let store = try await durable.open()
        #expect(try await store.admitWaitingRuns(limit: 1).isEmpty)
        #expect(try await store.claimSlot(runID: first.0.run.id, limit: 1) == .holding)
        let snapshot = try await store.queueSnapshot()
        #expect(snapshot.holding == [first.0.run.id])
        // Installation 1 was served last: installation 2's run comes before installation 1's second.
        #expect(snapshot.waiting.map(\.issueKey) == [StoreSeed.key(3).description, StoreSeed.key(2).description])
        #expect(snapshot.waiting.map(\.position) == [1, 2])
        #expect(try await store.claimSlot(runID: snapshot.waiting[1].runID, limit: 1) == .waiting(position: 2, notified: false))
        try await store.markQueueNotified(runID: snapshot.waiting[1].runID)
        #expect(try await store.claimSlot(runID: snapshot.waiting[1].runID, limit: 1) == .waiting(position: 2, notified: true))
        #expect(try await store.issueKeysHoldingSlots() == [StoreSeed.key(1).description])

        let lease = try await store.activate(issueKey: first.1.issueKey, owner: "test")
        try await store.finishRun(runID: first.0.run.id, status: .succeeded, summary: "done", lease: lease)
        #expect(try await store.admitWaitingRuns(limit: 1) == [StoreSeed.key(3).description])
        #expect(try await store.claimSlot(runID: first.0.run.id, limit: 1) == .notQueued)
        #expect(try await store.admitWaitingRuns(limit: 1).isEmpty)
        #expect(try await store.queueSnapshot().waiting.map(\.position) == [1])
        #expect(try await store.admissionOrder(limit: 10) == [StoreSeed.key(1).description, StoreSeed.key(3).description])
        await store.close()
    }

    @Test("two PostgreSQL replicas admitting at the same moment never hold more slots than the limit between them")
    func replicasNeverOverAdmit() async throws {
        let durable = try await Durable(.postgres)
        let (a, b) = (try await durable.open(), try await durable.open())
        let limit = 2
        var runs: [Int64: IssueLease] = [:]
        for number in 1...8 {
            let (journal, lease) = try await started(a, number, installation: Int64(number % 3))
            runs[journal.run.id] = lease
        }
        // Rounds: both replicas admit and claim at once (many transactions in flight), then the
        // holders finish, freeing their slots for the next round.
        for round in 1...4 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, runID) in (Array(runs.keys) + Array(runs.keys)).enumerated() {
                    let store = index.isMultiple(of: 2) ? a : b
                    group.addTask {
                        if index.isMultiple(of: 3) {
                            _ = try await store.claimSlot(runID: runID, limit: limit)
                        } else {
                            _ = try await store.admitWaitingRuns(limit: limit)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let holding = try await b.queueSnapshot().holding
            #expect(holding.count == limit, "round \(round): slots held \(holding)")
            for runID in holding {
                try await a.finishRun(runID: runID, status: .succeeded, summary: "done", lease: try #require(runs[runID]))
            }
        }
        // Every run was admitted exactly once, two per round: no slot given twice, none lost.
        #expect(try await a.admissionOrder(limit: 100).count == 8)
        let end = try await a.queueSnapshot()
        #expect(end.holding.isEmpty && end.waiting.isEmpty)
        await a.close()
        await b.close()
    }

    @Test("a cancelled waiting run is never admitted", arguments: StoreEngine.allCases)
    func cancelledRunNotAdmitted(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (journal, lease) = try await started(store, 1)
            try await store.requestCancel(runID: journal.run.id, lease: lease)
            #expect(try await store.admitWaitingRuns(limit: 4).isEmpty)
            #expect(try await store.queueSnapshot().waiting.isEmpty)
        }
    }

    @Test("the daily run budget counts the runs started that UTC day, per repository; the refusal writes nothing", arguments: StoreEngine.allCases)
    func dailyRunBudget(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let budget = DailyBudget(runs: 2)
            _ = try await started(store, 1, budget: budget)
            _ = try await started(store, 2, budget: budget)
            do {
                _ = try await started(store, 3, budget: budget)
                Issue.record("a third run started over budgets.daily_runs = 2")
            } catch let refusal as DailyBudgetRefusal {
                #expect(refusal.limit == .runs)
                #expect(refusal.usage.runs == 2)
                #expect(refusal.description.contains("repository o/r: 2 of 2 runs started on 2025-12-01"))
            }
            #expect(try await store.runs(issueKey: StoreSeed.key(3).description).isEmpty)
            // The next UTC day starts afresh.
            _ = try await started(store, 3, budget: budget, at: StoreSeed.date.addingTimeInterval(86_400))
            let usage = try await store.dailyUsage(repository: "o/r", installation: 1, on: StoreSeed.date)
            #expect(usage.repository.runs == 2 && usage.installation.runs == 2)
        }
    }

    @Test("the daily cost budget counts the proxy's metered cost of the day's runs, per installation across repositories", arguments: StoreEngine.allCases)
    func dailyCostBudgetPerInstallation(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let budget = DailyBudget(costUSD: 1.0)
            let (first, _) = try await started(store, 1, installation: 5, budget: budget)
            try await store.addModelUsage(runID: first.run.id, ModelCallUsage(inputTokens: 10, costUSD: 0.75))
            _ = try await started(store, 2, installation: 5, budget: budget)
            try await store.addModelUsage(runID: first.run.id, ModelCallUsage(inputTokens: 10, costUSD: 0.30))
            // Another repository of the same installation: the installation's day is spent.
            do {
                _ = try await started(store, 1, installation: 5, budget: budget, repository: RepositoryName(owner: "p", name: "q"))
                Issue.record("a run started over the installation's daily cost budget")
            } catch let refusal as DailyBudgetRefusal {
                #expect(refusal.limit == .cost)
                #expect(refusal.scope == "installation 5")
                #expect(abs(refusal.usage.costUSD - 1.05) < 0.0001)
                #expect(refusal.description.contains("$1.05 of $1.00"))
            }
            // Another installation is not held back.
            _ = try await started(store, 3, installation: 6, budget: budget, repository: RepositoryName(owner: "x", name: "y"))
        }
    }
}
