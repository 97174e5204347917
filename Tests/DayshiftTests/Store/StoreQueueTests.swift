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

    @Test("slots are held in the database: a reopened store gives none twice, and a finish frees one for the next in fair order")
    func slotsSurviveReopenAndFinishReleases() async throws {
        let directory = try TestDirectory("store-queue")
        defer { directory.remove() }
        var first: (RunJournal, IssueLease)
        do {
            let store = try Store(directory: directory.url, logger: Logger(label: "test"))
            first = try await started(store, 1, installation: 1)
            _ = try await started(store, 2, installation: 1)
            _ = try await started(store, 3, installation: 2)
            #expect(try await store.claimSlot(runID: first.0.run.id, limit: 1) == .holding)
        }
        // A crash after the slot was taken: the reopened store still gives it to run 1 only.
        let store = try Store(directory: directory.url, logger: Logger(label: "test"))
        #expect(try await store.admitWaitingRuns(limit: 1).isEmpty)
        #expect(try await store.claimSlot(runID: first.0.run.id, limit: 1) == .holding)
        let snapshot = try await store.queueSnapshot()
        #expect(snapshot.holding == [first.0.run.id])
        // Installation 1 was served last: installation 2's run comes before installation 1's second.
        #expect(snapshot.waiting.map(\.issueKey) == [StoreSeed.key(3).description, StoreSeed.key(2).description])
        #expect(snapshot.waiting.map(\.position) == [1, 2])

        let lease = try await store.activate(issueKey: first.1.issueKey, owner: "test")
        try await store.finishRun(runID: first.0.run.id, status: .succeeded, summary: "done", lease: lease)
        #expect(try await store.admitWaitingRuns(limit: 1) == [StoreSeed.key(3).description])
        #expect(try await store.admitWaitingRuns(limit: 1).isEmpty)
        #expect(try await store.queueSnapshot().waiting.map(\.position) == [1])
    }

    @Test("a cancelled waiting run is never admitted")
    func cancelledRunNotAdmitted() async throws {
        let store = try Store.inMemory()
        let (journal, lease) = try await started(store, 1)
        try await store.requestCancel(runID: journal.run.id, lease: lease)
        #expect(try await store.admitWaitingRuns(limit: 4).isEmpty)
        #expect(try await store.queueSnapshot().waiting.isEmpty)
    }

    @Test("the daily run budget counts the runs started that UTC day, per repository; the refusal writes nothing")
    func dailyRunBudget() async throws {
        let store = try Store.inMemory()
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

    @Test("the daily cost budget counts the proxy's metered cost of the day's runs, per installation across repositories")
    func dailyCostBudgetPerInstallation() async throws {
        let store = try Store.inMemory()
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
