import DayshiftConfig
import DayshiftCore
import Foundation
import Logging
import Store
import Testing

@Suite("Store: leases and alarms")
struct StoreLeaseTests {
    func withStore(_ body: (Store) throws -> Void) throws {
        let directory = try TestDirectory("store")
        defer { directory.remove() }
        try body(Store(directory: directory.url, logger: Logger(label: "test")))
    }

    func seedMessage(_ store: Store, key: String) throws -> Int64 {
        let delivery = DeliveryRecord(guid: UUID().uuidString, event: "issues", action: "labeled", repository: "o/r", issueNumber: 1,
                                      receivedAt: Date(), payload: Data("{}".utf8), disposition: "acted", reason: "test")
        let message = InboxMessageRecord(issueKey: key, kind: "fix", deliveryGuid: delivery.guid, body: Data("{}".utf8), createdAt: Date())
        guard case .recorded(let id?) = try store.recordDelivery(delivery, message: message) else { throw HarnessError("not recorded") }
        return id
    }

    @Test("each activation takes a new epoch, and a superseded lease can no longer write")
    func supersededLeaseCannotWrite() throws {
        try withStore { store in
            let messageID = try seedMessage(store, key: "o/r#1")
            let first = try store.activate(issueKey: "o/r#1", owner: "a")
            let second = try store.activate(issueKey: "o/r#1", owner: "b")
            #expect(first.epoch == 1)
            #expect(second.epoch == 2)
            #expect(throws: StoreError.leaseLost(issueKey: "o/r#1", epoch: 1)) {
                try store.startRun(lease: first, triggerMessageID: messageID, context: Data("{}".utf8), steps: StepName.allCases)
            }
            #expect(try store.runs(issueKey: "o/r#1").isEmpty)
            let run = try store.startRun(lease: second, triggerMessageID: messageID, context: Data("{}".utf8), steps: StepName.allCases)
            #expect(throws: StoreError.self) { try store.beginStep(runID: run.id!, step: .provision, lease: first) }
            #expect(try store.beginStep(runID: run.id!, step: .provision, lease: second) == 1)
        }
    }

    @Test("the database allows one running run per issue")
    func oneRunningRun() throws {
        try withStore { store in
            let lease = try store.activate(issueKey: "o/r#2", owner: "a")
            let first = try seedMessage(store, key: "o/r#2")
            let second = try seedMessage(store, key: "o/r#2")
            let run = try store.startRun(lease: lease, triggerMessageID: first, context: Data("{}".utf8), steps: StepName.allCases)
            #expect(throws: StartRunError.alreadyRunning(runID: run.id!)) {
                try store.startRun(lease: lease, triggerMessageID: second, context: Data("{}".utf8), steps: StepName.allCases)
            }
        }
    }

    @Test("a retry alarm puts the step back to pending and fires once it is due")
    func retryAlarm() throws {
        try withStore { store in
            let lease = try store.activate(issueKey: "o/r#3", owner: "a")
            let run = try store.startRun(lease: lease, triggerMessageID: try seedMessage(store, key: "o/r#3"), context: Data("{}".utf8), steps: StepName.allCases)
            _ = try store.beginStep(runID: run.id!, step: .provision, lease: lease)
            let due = Date().addingTimeInterval(60)
            try store.scheduleRetry(runID: run.id!, step: .provision, error: "boom", dueAt: due, lease: lease)
            #expect(try store.steps(runID: run.id!).first?.status == .pending)
            #expect(try store.pendingAlarm(runID: run.id!) != nil)
            #expect(try store.fireDueAlarms(now: Date()).isEmpty)
            let fired = try store.fireDueAlarms(now: due.addingTimeInterval(1))
            #expect(fired.map(\.issueKey) == ["o/r#3"])
            #expect(try store.fireDueAlarms(now: due.addingTimeInterval(2)).isEmpty)
            #expect(try store.pendingAlarm(runID: run.id!) == nil)
        }
    }

    @Test("the writer connection commits with synchronous=FULL (GRDB's pool would leave NORMAL)")
    func writerIsFull() throws {
        try withStore { store in
            let level = try store.writerSynchronousLevel()
            #expect(level == 2)
        }
    }
}
