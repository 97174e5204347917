import DayshiftCore
import Foundation
import GRDB
import Logging
@testable import Store
import Testing

/// Deliveries as intake stores them: one statement that inserts or recognises a GUID, on both
/// engines, and (PostgreSQL) the same GUID or trigger arriving at two replicas at once.
@Suite("Store deliveries")
struct StoreDeliveryTests {
    @Test("a delivery is stored field for field, and a repeated GUID changes nothing", arguments: StoreEngine.allCases)
    func storedAndDuplicate(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let key = IssueKey(repository: RepositoryName(owner: "octo", name: "hello"), number: 3)
            var delivery = StoreSeed.delivery(key, guid: "guid-1")
            delivery.payload = Data(#"{"action":"labeled"}"#.utf8)
            delivery.replayOf = "guid-0"
            let snapshot = StoreSeed.snapshot(key)
            let outcomes = try await store.recordDeliveries([(delivery, IssueMessage(issueKey: key, command: .fix, snapshot: snapshot)),
                                                             (delivery, nil)])
            guard case .recorded(let messageID?) = outcomes[0] else { Issue.record("first not recorded: \(outcomes[0])"); return }
            #expect(outcomes[1] == .duplicate)
            #expect(try await store.delivery(guid: "guid-1") == delivery)
            #expect(try await store.delivery(guid: "guid-2") == nil)
            #expect(try await store.recordDelivery(delivery, message: nil) == .duplicate)
            #expect(try await store.deliveryCount() == 1)
            let messages = try await store.messages(issueKey: key.description)
            #expect(messages.map(\.id) == [messageID])
            #expect(messages.first?.snapshot == snapshot)
            #expect(messages.first?.deliveryGUID == "guid-1")
            #expect(messages.first?.createdAt == StoreSeed.date)
        }
    }

    @Test("recent deliveries come newest first, as many as asked", arguments: StoreEngine.allCases)
    func recentNewestFirst(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let key = StoreSeed.key(1)
            for second in 0..<3 {
                var delivery = StoreSeed.delivery(key, guid: "g\(second)")
                delivery.receivedAt = StoreSeed.date.addingTimeInterval(Double(second))
                delivery.decision = .ignored(reason: "not labeled dayshift")
                #expect(try await store.recordDelivery(delivery, message: nil) == .recorded(messageID: nil))
            }
            #expect(try await store.recentDeliveries(limit: 2).map(\.guid) == ["g2", "g1"])
            #expect(try await store.recentDeliveries(limit: 2).first?.decision == .ignored(reason: "not labeled dayshift"))
            #expect(try await store.deliveryCount() == 3)
        }
    }

    @Test("a trigger repeated under a new GUID is stored as ignored, without a second message", arguments: StoreEngine.allCases)
    func repeatedTrigger(engine: StoreEngine) async throws {
        try await withStore(engine) { store async throws in
            let key = StoreSeed.key(4)
            let message = IssueMessage(issueKey: key, command: .fix, snapshot: StoreSeed.snapshot(key),
                                       origin: TriggerOrigin(kind: .command, sender: "octocat", triggerKey: "comment:77"))
            guard case .recorded(let messageID?) = try await store.recordDelivery(StoreSeed.delivery(key, guid: "first"), message: message) else {
                Issue.record("first delivery not recorded"); return
            }
            let outcome = try await store.recordDelivery(StoreSeed.delivery(key, guid: "second"), message: message)
            guard case .repeatedTrigger(let reason) = outcome else { Issue.record("not a repeated trigger: \(outcome)"); return }
            #expect(reason.contains("comment:77") && reason.contains("first"))
            #expect(try await store.delivery(guid: "second")?.decision == .ignored(reason: reason))
            #expect(try await store.messages(issueKey: key.description).map(\.id) == [messageID])
            #expect(try await store.messages(issueKey: key.description).first?.origin?.triggerKey == "comment:77")
            // Within one batch, the first delivery of a new trigger wins.
            let again = IssueMessage(issueKey: key, command: .retry, snapshot: StoreSeed.snapshot(key),
                                     origin: TriggerOrigin(kind: .command, sender: "octocat", triggerKey: "comment:78"))
            let batch = try await store.recordDeliveries([(StoreSeed.delivery(key, guid: "z-third"), again), (StoreSeed.delivery(key, guid: "a-fourth"), again)])
            guard case .recorded(let third?) = batch[0], case .repeatedTrigger(let fourth) = batch[1] else { Issue.record("batch: \(batch)"); return }
            #expect(fourth.contains("comment:78") && fourth.contains("z-third"))
            #expect(try await store.delivery(guid: "a-fourth")?.decision == .ignored(reason: fourth))
            #expect(try await store.messages(issueKey: key.description).map(\.id) == [messageID, third])
        }
    }

    @Test("SQLite: the delivery's date is stored in GRDB's own text")
    func sqliteDateText() async throws {
        let store = try Store.inMemory()
        let key = StoreSeed.key(3)
        _ = try await store.recordDelivery(StoreSeed.delivery(key, guid: "guid-1"), message: nil)
        let storedText = try await #require(store.sqliteDatabase).read { db in
            try String.fetchOne(db, sql: "SELECT receivedAt FROM deliveries WHERE guid = ?", arguments: ["guid-1"])
        }
        #expect(storedText == StoreSeed.date.databaseValue.storage.value as? String)
    }

    @Test("StoredDate writes what GRDB's Date.databaseValue writes")
    func storedDateMatchesGRDB() {
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_764_700_000.9996), Date(timeIntervalSince1970: 1_764_700_000.0004),
                     Date(timeIntervalSince1970: 951_782_400.5), Date(timeIntervalSince1970: 4_102_444_799.999), StoreSeed.date, Date()]
            + (0..<2_000).map { Date(timeIntervalSince1970: Double($0) * 2_051_222.413_7 + 0.000_37 * Double($0 % 11)) }
        for date in dates {
            #expect(StoredDate.text(date) == date.databaseValue.storage.value as? String, "\(date.timeIntervalSince1970)")
        }
    }

    @Test("PostgreSQL: the same GUID sent to two replicas at the same moment is stored once and yields one message")
    func sameGUIDOnTwoReplicas() async throws {
        try await withReplicas { a, b async throws in
            for round in 0..<20 {
                let key = StoreSeed.key(round + 1)
                let delivery = StoreSeed.delivery(key, guid: "guid-\(round)")
                let message = IssueMessage(issueKey: key, command: .fix, snapshot: StoreSeed.snapshot(key))
                async let first = a.recordDelivery(delivery, message: message)
                async let second = b.recordDelivery(delivery, message: message)
                let outcomes = try await [first, second]
                #expect(outcomes.filter { $0 == .duplicate }.count == 1, "round \(round): \(outcomes)")
                #expect(outcomes.filter { if case .recorded(_?) = $0 { true } else { false } }.count == 1, "round \(round): \(outcomes)")
                #expect(try await a.messages(issueKey: key.description).count == 1, "round \(round)")
            }
            #expect(try await b.deliveryCount() == 20)
        }
    }

    @Test("PostgreSQL: one trigger under two GUIDs at two replicas at once yields one message; the other delivery is stored as ignored")
    func sameTriggerOnTwoReplicas() async throws {
        try await withReplicas { a, b async throws in
            for round in 0..<20 {
                let key = StoreSeed.key(round + 1)
                let message = IssueMessage(issueKey: key, command: .fix, snapshot: StoreSeed.snapshot(key),
                                           origin: TriggerOrigin(kind: .label, sender: "octocat", triggerKey: "labeled:dayshift:\(round)"))
                async let first = a.recordDelivery(StoreSeed.delivery(key, guid: "a-\(round)"), message: message)
                async let second = b.recordDelivery(StoreSeed.delivery(key, guid: "b-\(round)"), message: message)
                let outcomes = try await [first, second]
                let repeated = outcomes.compactMap { if case .repeatedTrigger(let reason) = $0 { reason } else { nil } }
                #expect(repeated.count == 1, "round \(round): \(outcomes)")
                #expect(outcomes.filter { if case .recorded(_?) = $0 { true } else { false } }.count == 1, "round \(round): \(outcomes)")
                let messages = try await a.messages(issueKey: key.description)
                #expect(messages.count == 1, "round \(round)")
                let ignored = messages.first?.deliveryGUID == "a-\(round)" ? "b-\(round)" : "a-\(round)"
                #expect(try await b.delivery(guid: ignored)?.decision == repeated.first.map { .ignored(reason: $0) }, "round \(round)")
            }
            #expect(try await b.deliveryCount() == 40)
        }
    }

    @Test("PostgreSQL: batches holding the same GUIDs in opposite orders at two replicas both finish, each GUID stored once")
    func crossedBatchesOnTwoReplicas() async throws {
        try await withReplicas { a, b async throws in
            for round in 0..<10 {
                let batch = (0..<8).map { index in
                    let key = StoreSeed.key(index + 1)
                    return (delivery: StoreSeed.delivery(key, guid: "r\(round)-\(index)"),
                            message: IssueMessage(issueKey: key, command: .fix, snapshot: StoreSeed.snapshot(key)) as IssueMessage?)
                }
                async let forward = a.recordDeliveries(batch)
                async let backward = b.recordDeliveries(batch.reversed())
                let (one, other) = try await (forward, backward)
                let recorded = (one + other).filter { if case .recorded(_?) = $0 { true } else { false } }
                #expect(recorded.count == 8, "round \(round): \(one) \(other)")
                #expect((one + other).filter { $0 == .duplicate }.count == 8, "round \(round)")
            }
            #expect(try await a.deliveryCount() == 80)
            #expect(try await b.messages(issueKey: StoreSeed.key(1).description).count == 10)
        }
    }
}

@Suite("Store deliveries: text a webhook may carry")
struct StoreDeliveryTextTests {
    @Test("a NUL character in the stored text (action, reason, trigger key) is stored, not refused", arguments: StoreEngine.allCases)
    func nulCharacters(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let key = StoreSeed.key(1)
            var delivery = StoreSeed.delivery(key)
            delivery.action = "label\u{0}ed"
            delivery.decision = .acted(reason: "label \"fix\u{0}me\"")
            let origin = TriggerOrigin(kind: .label, sender: "octo\u{0}cat", triggerKey: "label:fix\u{0}me")
            let outcome = try await store.recordDelivery(delivery, message: IssueMessage(issueKey: key, command: .fix, snapshot: StoreSeed.snapshot(key), origin: origin))
            guard case .recorded(let id?) = outcome else { throw HarnessError("not recorded: \(outcome)") }
            let stored = try #require(try await store.delivery(guid: delivery.guid))
            #expect(stored.action?.hasPrefix("label") == true)
            #expect(stored.payload == delivery.payload)
            #expect(try await store.messages(issueKey: key.description).map(\.id) == [id])
        }
    }
}
