import DayshiftConfig
import DayshiftCore
import DayshiftServer
import Foundation
import GRDB
import Logging
import Store
import Testing

/// Data hygiene (`retention.*`): ``RetentionService`` over ``Store`` (SQLite in memory and PostgreSQL), with a fixed clock.
@Suite("Retention")
struct RetentionTests {
    /// The retention pass's "now": 100 days after the seed date.
    static let now = StoreSeed.date.addingTimeInterval(100 * 86_400)
    static let day = 86_400.0

    static func service(_ store: Store, deliveries: Int = 30, ignored: Int = 7, runs: Int = 90, batchSize: Int = 200) -> RetentionService {
        var settings = RetentionSettings()
        settings.deliveriesDays = deliveries
        settings.ignoredDeliveriesDays = ignored
        settings.runsDays = runs
        let quiet = OfflineApplication.quietLogger
        return RetentionService(store: store, settings: settings, batchSize: batchSize, logger: quiet, now: { now })
    }

    /// Stores a delivery received `daysAgo` days before ``now``; acted ones carry a `fix` message for issue `number`.
    @discardableResult
    static func delivery(_ store: Store, daysAgo: Double, acted: Bool, number: Int = 1) async throws -> (guid: String, messageID: Int64?) {
        let key = StoreSeed.key(number)
        var delivery = StoreSeed.delivery(key)
        delivery.receivedAt = now.addingTimeInterval(-daysAgo * day)
        delivery.payload = Data(#"{"action":"labeled","padding":"\#(String(repeating: "x", count: 64))"}"#.utf8)
        delivery.decision = acted ? .acted(reason: "labeled dayshift") : .ignored(reason: "label bug")
        let message = acted ? IssueMessage(issueKey: key, command: .fix, snapshot: StoreSeed.snapshot(key)) : nil
        guard case .recorded(let id) = try await store.recordDelivery(delivery, message: message) else { throw HarnessError("not recorded") }
        return (delivery.guid, id)
    }

    /// Starts a run of issue `number` (its trigger message is marked handled), optionally finishing
    /// it `finishedDaysAgo` days before ``now`` with every step succeeded.
    static func run(_ store: Store, number: Int, finishedDaysAgo: Double?) async throws -> (run: Run, guid: String) {
        let key = StoreSeed.key(number)
        let lease = try await store.activate(issueKey: key.description, owner: "test")
        let (guid, messageID) = try await delivery(store, daysAgo: 200, acted: true, number: number)
        let journal = try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: try #require(messageID),
                                               steps: StepName.allCases, at: now.addingTimeInterval(-200 * day))
        if let finishedDaysAgo {
            let at = now.addingTimeInterval(-finishedDaysAgo * day)
            let ends = StoreJournalTests.results.map { StepCompletion(step: $0.0, end: .succeeded($0.1), at: at) }
            try await store.finishRun(runID: journal.run.id, status: .succeeded, summary: "done", completing: ends, lease: lease, at: at)
        }
        return (journal.run, guid)
    }

    @Test("old deliveries go with their handled messages; recent ones, unhandled messages and a kept run's trigger stay", arguments: StoreEngine.allCases)
    func deliveriesPruned(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let oldIgnored = try await Self.delivery(store, daysAgo: 10, acted: false)
            let recentIgnored = try await Self.delivery(store, daysAgo: 3, acted: false)
            let oldHandled = try await Self.delivery(store, daysAgo: 40, acted: true, number: 2)
            let lease = try await store.activate(issueKey: StoreSeed.key(2).description, owner: "test")
            try await store.markMessageHandled(id: try #require(oldHandled.messageID), outcome: "no running run to stop", lease: lease)
            let oldUnhandled = try await Self.delivery(store, daysAgo: 40, acted: true, number: 3)
            let recentActed = try await Self.delivery(store, daysAgo: 20, acted: true, number: 4)
            let (run, trigger) = try await Self.run(store, number: 5, finishedDaysAgo: 5)

            let pass = await Self.service(store).prune()
            #expect(pass.failures == 0)
            #expect(pass.deletedDeliveries == 2)
            #expect(pass.emptiedPayloads == 1)
            #expect(pass.deletedMessages == 1)
            #expect(try await store.delivery(guid: oldIgnored.guid) == nil)
            #expect(try await store.delivery(guid: oldHandled.guid) == nil)
            #expect(try await store.messages(issueKey: StoreSeed.key(2).description).isEmpty)
            #expect(try await store.delivery(guid: recentIgnored.guid)?.payload.isEmpty == false)
            #expect(try await store.delivery(guid: recentActed.guid)?.payload.isEmpty == false)
            // Never an undelivered message, nor the delivery that carries it.
            #expect(try await store.delivery(guid: oldUnhandled.guid)?.payload.isEmpty == false)
            #expect(try await store.nextPendingMessage(issueKey: StoreSeed.key(3).description)?.id == oldUnhandled.messageID)
            // The run's trigger stays (its row and message), only without its payload.
            let kept = try #require(try await store.delivery(guid: trigger))
            #expect(kept.payload.isEmpty)
            #expect(try await store.messages(issueKey: StoreSeed.key(5).description).count == 1)
            #expect(try await store.journal(runID: run.id)?.steps.count == StepName.allCases.count)

            #expect(await Self.service(store).prune() == RetentionService.Pass(), "a second pass finds nothing left")
        }
    }

    @Test("journals of runs finished long ago are pruned, keeping the run and its published commit; running and recent runs are untouched", arguments: StoreEngine.allCases)
    func runJournalsPruned(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (old, _) = try await Self.run(store, number: 1, finishedDaysAgo: 95)
            let (recent, _) = try await Self.run(store, number: 2, finishedDaysAgo: 30)
            let (running, _) = try await Self.run(store, number: 3, finishedDaysAgo: nil)

            let pass = await Self.service(store, deliveries: 0, ignored: 0).prune()
            #expect(pass.prunedRuns == 1)
            #expect(pass.deletedSteps == StepName.allCases.count - 1)
            #expect(pass.deletedDeliveries == 0)

            let pruned = try #require(try await store.journal(runID: old.id))
            #expect(pruned.run.status == .succeeded)
            #expect(Array(pruned.steps.keys) == [.publish])
            #expect(try await store.succeededResults(issueKey: old.issueKey, step: .publish).count == 1)
            #expect(try await store.journal(runID: recent.id)?.steps.count == StepName.allCases.count)
            let stillRunning = try #require(try await store.journal(runID: running.id))
            #expect(stillRunning.run.status == .running)
            #expect(stillRunning.steps.count == StepName.allCases.count)
            #expect(try await store.runningRuns().map(\.id) == [running.id])

            #expect(await Self.service(store, deliveries: 0, ignored: 0).prune() == RetentionService.Pass())
        }
    }

    @Test("many old deliveries are pruned batch by batch until none is left", arguments: StoreEngine.allCases)
    func batches(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            for _ in 0..<25 { try await Self.delivery(store, daysAgo: 8, acted: false) }
            try await Self.delivery(store, daysAgo: 1, acted: false)
            let pass = await Self.service(store, batchSize: 10).prune()
            #expect(pass.deletedDeliveries == 25)
            #expect(try await store.deliveryCount() == 1)
        }
    }

    @Test("retention's lookups use indexes, not table scans (migration v5)")
    func indexedLookups() async throws {
        let directory = try TestDirectory("retention-indexes")
        _ = try Store(directory: directory.url, logger: Logger(label: "test"))
        let queue = try DatabaseQueue(path: directory.url.appendingPathComponent("dayshift.sqlite").path)
        let plans: [(String, String)] = [
            ("SELECT guid FROM deliveries WHERE receivedAt < '2026-01-01'", "deliveries_received"),
            ("SELECT 1 FROM inbox_messages WHERE deliveryGuid = 'x'", "inbox_messages_delivery"),
            ("SELECT 1 FROM runs WHERE triggerMessageId = 1", "runs_trigger_message"),
            ("SELECT id FROM runs WHERE finishedAt IS NOT NULL AND finishedAt < '2026-01-01'", "runs_finished"),
        ]
        for (query, index) in plans {
            let plan = try await queue.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(query)").map { $0["detail"] as String } }
            #expect(plan.joined().contains(index), "\(query): \(plan)")
        }
    }

    @Test("0 days keeps everything", arguments: StoreEngine.allCases)
    func keepForever(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            try await Self.delivery(store, daysAgo: 1000, acted: false)
            try await Self.delivery(store, daysAgo: 1000, acted: true)
            _ = try await Self.run(store, number: 9, finishedDaysAgo: 1000)
            #expect(await Self.service(store, deliveries: 0, ignored: 0, runs: 0).prune() == RetentionService.Pass())
            #expect(try await store.deliveryCount() == 3)
        }
    }

    @Test("a built server runs the retention pass among its services, at start")
    func serverPrunesAtStart() async throws {
        let directory = try TestDirectory("retention")
        defer { directory.remove() }
        let app = try OfflineApplication.build(OfflineApplication.configuration(in: directory))
        let store = app.instance.store
        var old = StoreSeed.delivery(StoreSeed.key(1))
        old.receivedAt = Date().addingTimeInterval(-400 * Self.day)
        old.decision = .ignored(reason: "label bug")
        var recent = StoreSeed.delivery(StoreSeed.key(2))
        recent.receivedAt = Date()
        recent.decision = .ignored(reason: "label bug")
        _ = try await store.recordDelivery(old, message: nil)
        _ = try await store.recordDelivery(recent, message: nil)
        let (oldGUID, recentGUID) = (old.guid, recent.guid)
        try await app.test(.router) { _ in
            let deadline = Date().addingTimeInterval(30)
            while try await store.delivery(guid: oldGUID) != nil, Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await store.delivery(guid: oldGUID) == nil, "the pass at start pruned the old delivery")
            #expect(try await store.delivery(guid: recentGUID) != nil)
        }
    }

    @Test("retention keys are read, and a wrong value is refused naming its key", arguments: [
        ("retention:\n  runs_days: -1", "retention.runs_days"),
        ("retention:\n  deliveries_days: soon", "retention.deliveries_days"),
        ("retention:\n  ignored_deliveries_days: 1.5", "retention.ignored_deliveries_days"),
        ("retention:\n  interval_seconds: 0", "retention.interval_seconds"),
        ("retention:\n  keep_forever: true", "retention.keep_forever"),
    ])
    func configuration(yaml: String, key: String) throws {
        let config = try DayshiftConfiguration.parse(yaml: """
            retention:
              deliveries_days: 14
              ignored_deliveries_days: 2
              runs_days: 0
              interval_seconds: 600
            """, environment: [:])
        #expect(config.retention.deliveriesDays == 14)
        #expect(config.retention.ignoredDeliveriesDays == 2)
        #expect(config.retention.runsDays == 0)
        #expect(config.retention.intervalSeconds == 600)
        #expect(DayshiftConfiguration().retention == RetentionSettings())
        do {
            _ = try DayshiftConfiguration.parse(yaml: yaml, environment: [:])
            Issue.record("\(yaml) was accepted")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(!error.description.contains("\n"))
        }
    }
}
