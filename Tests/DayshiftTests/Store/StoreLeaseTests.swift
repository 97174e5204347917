import DayshiftCore
import Foundation
import Logging
import Store
import Testing

@Suite("Store: leases and alarms")
struct StoreLeaseTests {
    @Test("each activation takes a new epoch, and a superseded lease can no longer write", arguments: StoreEngine.allCases)
    func supersededLeaseCannotWrite(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let key = StoreSeed.key(1)
            let messageID = try await StoreSeed.message(store, key)
            let first = try await store.activate(issueKey: key.description, owner: "a")
            let second = try await store.activate(issueKey: key.description, owner: "b")
            #expect(first.epoch == 1)
            #expect(second.epoch == 2)
            await #expect(throws: StoreError.leaseLost(issueKey: key.description, epoch: 1)) {
                try await store.startRun(StoreSeed.context(key), lease: first, triggerMessageID: messageID, steps: StepName.allCases)
            }
            #expect(try await store.runs(issueKey: key.description).isEmpty)
            let run = try await store.startRun(StoreSeed.context(key), lease: second, triggerMessageID: messageID, steps: StepName.allCases).run
            await #expect(throws: StoreError.self) { try await store.beginStep(.provision, runID: run.id, lease: first) }
            #expect(try await store.beginStep(.provision, runID: run.id, lease: second) == 1)
        }
    }

    @Test("a batch activation takes each key's next epoch, in input order, and supersedes earlier leases", arguments: StoreEngine.allCases)
    func batchActivation(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (one, two) = (StoreSeed.key(11).description, StoreSeed.key(12).description)
            let earlier = try await store.activate(issueKey: one, owner: "a")
            let leases = try await store.activate(issueKeys: [two, one], owner: "b")
            #expect(leases == [IssueLease(issueKey: two, epoch: 1), IssueLease(issueKey: one, epoch: 2)])
            await #expect(throws: StoreError.leaseLost(issueKey: one, epoch: 1)) {
                try await store.markMessageHandled(id: try await StoreSeed.message(store, StoreSeed.key(11)), outcome: "x", lease: earlier)
            }
        }
    }

    @Test("the database allows one running run per issue", arguments: StoreEngine.allCases)
    func oneRunningRun(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let key = StoreSeed.key(2)
            let lease = try await store.activate(issueKey: key.description, owner: "a")
            let first = try await StoreSeed.message(store, key)
            let second = try await StoreSeed.message(store, key)
            let run = try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: first, steps: StepName.allCases).run
            await #expect(throws: StartRunError.alreadyRunning(runID: run.id)) {
                try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: second, steps: StepName.allCases)
            }
        }
    }

    @Test("a retry alarm puts the step back to pending and fires once it is due", arguments: StoreEngine.allCases)
    func retryAlarm(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let key = StoreSeed.key(3)
            let lease = try await store.activate(issueKey: key.description, owner: "a")
            let run = try await store.startRun(StoreSeed.context(key), lease: lease, triggerMessageID: try await StoreSeed.message(store, key),
                                               steps: StepName.allCases).run
            _ = try await store.beginStep(.provision, runID: run.id, lease: lease)
            let due = Date().addingTimeInterval(60)
            try await store.scheduleRetry(runID: run.id, step: .provision, error: "boom", dueAt: due, lease: lease)
            let provision = try #require(try await store.journal(runID: run.id)?.steps[.provision])
            #expect(provision.status == .pending)
            #expect(provision.error == "boom")
            #expect(try await store.pendingAlarm(runID: run.id)?.step == .provision)
            #expect(try await store.fireDueAlarms(now: Date()).isEmpty)
            let fired = try await store.fireDueAlarms(now: due.addingTimeInterval(1))
            #expect(fired.map(\.issueKey) == [key.description])
            #expect(try await store.fireDueAlarms(now: due.addingTimeInterval(2)).isEmpty)
            #expect(try await store.pendingAlarm(runID: run.id) == nil)
        }
    }

    @Test("the writer connection commits with synchronous=FULL in WAL mode (GRDB's pool would leave NORMAL)")
    func writerIsFull() async throws {
        let directory = try TestDirectory("store")
        defer { directory.remove() }
        let settings = try await Store(directory: directory.url, logger: Logger(label: "test")).settings()
        #expect(settings.writerSynchronous == 2)
        #expect(settings.journalMode == "wal")
    }
}
